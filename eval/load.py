"""Load checks (figures for the README, not tests): long runs of rag.ask, and concurrent UI sessions.

    python -m eval.load asks --n 1000            # sequential rag.ask: memory and file handles over time
    python -m eval.load ui --sessions 20 --seconds 60   # concurrent gradio_client chats on the loopback

Both print one JSON line of figures at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import threading
import time
from pathlib import Path
from typing import Any

QUESTIONS = [
    "What did Hanoi sign with St Petersburg?",
    "Wann unterzeichneten Hanoi und UNDP die Absichtserklärung?",
    "How many projects has the Hoa Lac High-Tech Park attracted?",
    "Τι υπέγραψε το Ανόι με την Αγία Πετρούπολη;",
    "What did Hanoi sign with Paris?",
    "Berapa banyak prosedur administrasi yang diterima antara Juli dan Agustus 2025?",
]


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def asks(n: int) -> dict[str, Any]:
    from tqdm import tqdm

    import rag

    rag.ask(QUESTIONS[0])  # load everything first: growth is measured from a warm process
    rss0, fds0 = _rss_mb(), _open_fds()
    samples = []
    lat = []
    for i in tqdm(range(n), desc="asks", unit="q"):
        t0 = time.perf_counter()
        rag.ask(QUESTIONS[i % len(QUESTIONS)])
        lat.append((time.perf_counter() - t0) * 1000)
        if i % max(1, n // 10) == 0:
            samples.append(round(_rss_mb(), 1))
    return {
        "check": "asks",
        "n": n,
        "rss_start_mb": round(rss0, 1),
        "rss_end_mb": round(_rss_mb(), 1),
        "rss_growth_mb": round(_rss_mb() - rss0, 1),
        "rss_samples_mb": samples,
        "fds_start": fds0,
        "fds_end": _open_fds(),
        "ms_p50": round(statistics.median(lat), 1),
        "ms_p95": round(sorted(lat)[int(0.95 * len(lat)) - 1], 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ui(sessions: int, seconds: float) -> dict[str, Any]:
    from gradio_client import Client

    import rag
    from rag_ui.app import launch

    port = _free_port()
    demo = launch(rag.get_settings(), "127.0.0.1", port, prevent_thread_lock=True)
    url = f"http://127.0.0.1:{port}/"
    lat: list[float] = []
    errors: list[str] = []
    uncited = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def session(k: int) -> None:
        client = Client(url, verbose=False)
        i = k
        while time.monotonic() < deadline:
            q = QUESTIONS[i % len(QUESTIONS)]
            i += 1
            t0 = time.perf_counter()
            try:
                chat, panel = client.predict(q, [], "", 5, api_name="/ask")[:2]
            except Exception as exc:  # counted, not raised: the figure is the error count
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            ms = (time.perf_counter() - t0) * 1000
            answered = "do not say" not in json.dumps(chat)
            with lock:
                lat.append(ms)
                if answered and "<mark>" not in panel:
                    uncited[0] += 1

    threads = [threading.Thread(target=session, args=(k,)) for k in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    demo.close()
    lat.sort()
    return {
        "check": "ui",
        "sessions": sessions,
        "seconds": seconds,
        "answers": len(lat),
        "errors": len(errors),
        "answers_without_citations": uncited[0],
        "first_errors": errors[:3],
        "ms_p50": round(statistics.median(lat), 1) if lat else None,
        "ms_p95": round(lat[max(0, int(0.95 * len(lat)) - 1)], 1) if lat else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.load", description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    a = sub.add_parser("asks")
    a.add_argument("--n", type=int, default=1000)
    u = sub.add_parser("ui")
    u.add_argument("--sessions", type=int, default=20)
    u.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--out", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    result = asks(args.n) if args.what == "asks" else ui(args.sessions, args.seconds)
    line = json.dumps(result, ensure_ascii=False)
    print(line)
    if args.out:
        args.out.write_text(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
