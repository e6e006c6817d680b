"""Speed figures, measured as ratios in one run on this machine (python -m eval.bench).

- ingest of the seeds, cold (fresh index) and warm (nothing changed), against the raw embedder on the
  same texts the ingest embeds;
- warm query latency of the offline path and its parts (question embedding, search, answer);
- cold start: a new process answering its first question from an existing index;
- scale: search latency and memory with 1k / 10k / 100k chunks (and as many sentences), built from
  the seeds' real vectors with small random perturbations, written straight into the store's
  (kind, language) collections; the layout before issue 8 (one collection, a ``where`` filter per
  language) is measured on the same vectors for comparison (see ``scale_figures``).

Writes eval/reports/bench.json and bench.md.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from eval.bench_common import QUESTIONS
from eval.bench_common import pct as _pct
from eval.bench_scale import scale_figures

REPORTS = Path(__file__).resolve().parent / "reports"


def ingest_figures(index: Path) -> dict[str, Any]:
    import rag
    from rag.index.embedders import get_embedder
    from rag.ingestion.chunking import chunk_document
    from rag.ingestion.documents import list_files, load_document
    from rag.ingestion.pipeline import build_records

    settings = rag.get_settings(index_dir=index)
    embedder = get_embedder(settings.embed_model)
    embedder.embed_passages(["warm up"])
    texts: list[str] = []
    chars = 0
    for doc_id, path in list_files(Path(settings.docs_dir)):
        doc = load_document(path, doc_id, settings.max_file_bytes)
        chars += doc.clean_chars
        texts += build_records(
            doc, chunk_document(doc, settings.chunk_max_chars, settings.chunk_min_chars), settings
        )[1]
    t0 = time.perf_counter()
    embedder.embed_passages(texts)
    raw_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    cold = rag.ingest(settings=settings, progress=False)
    cold_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    warm = rag.ingest(settings=settings, progress=False)
    warm_s = time.perf_counter() - t0
    return {
        "documents": len(cold.added),
        "chunks": cold.chunks_total,
        "embedded_texts": len(texts),
        "embedded_chars": sum(len(t) for t in texts),
        "document_chars": chars,
        "raw_embed_s": round(raw_s, 2),
        "ingest_cold_s": round(cold_s, 2),
        "ingest_vs_raw_embedder": round(raw_s / cold_s, 3),
        "ingest_warm_s": round(warm_s, 3),
        "warm_written": warm.chunks_written,
    }


def query_figures(index: Path, n: int = 60) -> dict[str, Any]:
    """Warm offline answers to the five QUESTIONS in turn, in parts; then again with the store's
    record cache emptied before each question (every record read from Chroma)."""
    import rag
    from rag.answer.calibration import resolve
    from rag.answer.extractive import extractive_answer
    from rag.answer.grounding import ground
    from rag.index.store import get_store
    from rag.retrieval.groups import group_translations
    from rag.retrieval.query import analyse
    from rag.retrieval.search import search
    from rag.translations.sidecar import alignment as stored_alignment

    s = resolve(rag.get_settings(index_dir=index))  # the decisions from the calibration, as rag.api does
    store = get_store(s)
    rag.ask(QUESTIONS[0], settings=s)
    result: dict[str, Any] = {"n": n}
    for label, clear in (("cached_records", False), ("records_from_chroma", True)):
        parts: dict[str, list[float]] = {"embed": [], "search": [], "group+ground+answer": [], "total": []}
        for i in range(n):
            q = QUESTIONS[i % len(QUESTIONS)]
            if clear:
                store.clear_cache()
            t0 = time.perf_counter()
            query = analyse(q, s, doc_languages=set(store.stats().chunk_mean))
            t1 = time.perf_counter()
            cands = search(query.vector, s, store)
            t2 = time.perf_counter()
            leaders = group_translations(cands, query.vector, store, stored_alignment(store), s)
            grounded = ground(query, leaders, stored_alignment(store), s)
            extractive_answer(query, grounded, stored_alignment(store), s)
            t3 = time.perf_counter()
            for k, v in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
                parts[k].append(v * 1000)
        result[label] = {
            "p50_ms": round(statistics.median(parts["total"]), 1),
            "p95_ms": _pct(parts["total"], 95),
            "p50_ms_of_parts": {k: round(statistics.median(v), 1) for k, v in parts.items() if k != "total"},
        }
    return result


def cold_start(index: Path, runs: int = 5) -> dict[str, Any]:
    """New process to first answer from an existing index, ``runs`` times (median; the spread too)."""
    code = (
        "import time; t0 = time.perf_counter(); import rag; "
        f"a = rag.ask({QUESTIONS[0]!r}, settings=rag.get_settings(index_dir={str(index)!r})); "
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a child would report at least
        # the RSS of this (large) benchmarking process
        "rss = next(int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM')) // 1024; "
        "print(round(time.perf_counter() - t0, 2), rss)"
    )
    wall, inside, rss = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        wall.append(time.perf_counter() - t0)
        inside.append(float(out[0]))
        rss.append(int(out[1]))
    return {
        "runs": runs,
        "process_to_first_answer_s": round(statistics.median(wall), 2),
        "process_to_first_answer_min_max_s": [round(min(wall), 2), round(max(wall), 2)],
        "in_process_s": round(statistics.median(inside), 2),
        "peak_rss_mb": int(statistics.median(rss)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="chunk counts for the scale curve")
    parser.add_argument(
        "--no-old-layout", action="store_true", help="skip the filtered one-collection layout in the curve"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp)
        result: dict[str, Any] = {"ingest": ingest_figures(index)}
        result["query"] = query_figures(index)
        result["cold_start"] = cold_start(index)
        result["scale"] = scale_figures(
            index, [int(x) for x in args.sizes.split(",") if x], old_layout=not args.no_old_layout
        )
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "bench.json").write_text(json.dumps(result, indent=2))
    (REPORTS / "bench.md").write_text(render(result))
    print(json.dumps(result))
    return 0


def shape(rows: list[dict[str, Any]], key: str) -> str:
    """The curve's shape from its ends: the exponent b of time ~ size**b."""
    first, last = rows[0], rows[-1]
    if len(rows) < 2 or key not in first or first["chunks"] == last["chunks"]:
        return "n/a"
    b = math.log(last[key] / first[key]) / math.log(last["chunks"] / first["chunks"])
    name = "flat" if b < 0.15 else "sublinear" if b < 0.7 else "linear" if b < 1.3 else "superlinear"
    return f"{name} (time ~ size^{b:.2f})"


def render(result: dict[str, Any]) -> str:
    """bench.md: the scale curve as a table with its shape, then every figure as JSON."""
    rows = result.get("scale", [])
    cols = [
        ("search_p50_ms", "4 per-language searches, p50 ms"),
        ("retrieval_search_uncached_p50_ms", "retrieval.search, records from Chroma, p50 ms"),
        ("retrieval_search_p50_ms", "retrieval.search, records cached, p50 ms"),
        ("filtered_one_collection_p50_ms", "old layout (where filter), 4 searches, p50 ms"),
        ("peak_rss_mb", "peak RSS MB"),
    ]
    cols = [c for c in cols if rows and c[0] in rows[0]]
    lines = ["# Benchmark (python -m eval.bench)", ""]
    if rows:
        lines += [
            "| chunks | " + " | ".join(label for _, label in cols) + " |",
            "|---|" + "---|" * len(cols),
            *(f"| {r['chunks']:,} | " + " | ".join(str(r[k]) for k, _ in cols) + " |" for r in rows),
            "| shape | " + " | ".join(shape(rows, k) if k != "peak_rss_mb" else "" for k, _ in cols) + " |",
            "",
        ]
    lines += ["```json", json.dumps(result, indent=2), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
