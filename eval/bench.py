"""Speed figures, measured as ratios in one run on this machine (python -m eval.bench).

- ingest of the seeds, cold (fresh index) and warm (nothing changed), against the raw embedder on the
  same texts the ingest embeds;
- warm query latency of the offline path and its parts (question embedding, search, answer);
- cold start: a new process answering its first question from an existing index;
- scale: query latency and memory with 1k / 10k (/ 100k) chunks, built from the seeds' real vectors
  with small random perturbations (stated in the output), written to Chroma directly.

Writes eval/reports/bench.json and bench.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPORTS = Path(__file__).resolve().parent / "reports"
QUESTIONS = [
    "What did Hanoi sign with St Petersburg?",
    "Wann unterzeichneten Hanoi und UNDP die Absichtserklärung?",
    "How many projects has the Hoa Lac High-Tech Park attracted?",
    "Τι υπέγραψε το Ανόι με την Αγία Πετρούπολη;",
    "How many administrative procedures were received in July and August 2025?",
]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, round(p / 100 * len(ordered)) - 1)], 1)


def ingest_figures(index: Path) -> dict[str, Any]:
    import rag
    from rag.chunking import chunk_document
    from rag.documents import list_files, load_document
    from rag.embedding import get_embedder
    from rag.indexing import build_nodes

    settings = rag.get_settings(index_dir=index)
    embedder = get_embedder(settings.embed_model)
    embedder.embed_passages(["warm up"])
    texts: list[str] = []
    chars = 0
    for doc_id, path in list_files(Path(settings.docs_dir)):
        doc = load_document(path, doc_id, settings.max_file_bytes)
        chars += doc.clean_chars
        texts += build_nodes(
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
    import rag
    from rag import api
    from rag import retrieval as R
    from rag.extract import extractive_answer
    from rag.store import get_store

    s = rag.get_settings(index_dir=index)
    store = get_store(s)
    rag.ask(QUESTIONS[0], settings=s)
    parts: dict[str, list[float]] = {"embed": [], "search": [], "group+ground+answer": [], "total": []}
    for i in range(n):
        q = QUESTIONS[i % len(QUESTIONS)]
        t0 = time.perf_counter()
        qvec, prev, query = api._question_vector(q, [], s)
        t1 = time.perf_counter()
        cands = R.search(qvec, s, store)
        t2 = time.perf_counter()
        leaders = R.group_translations(cands, qvec, store, s)
        grounded = api.grounded_groups(q, qvec, prev, leaders, s)
        extractive_answer(q, query, grounded, store.alignment(), s)
        t3 = time.perf_counter()
        for k, v in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
            parts[k].append(v * 1000)
    total = statistics.median(parts["total"])
    return {
        "n": n,
        "p50_ms": round(total, 1),
        "p95_ms": _pct(parts["total"], 95),
        "share_of_p50": {k: round(statistics.median(v) / total, 2) for k, v in parts.items() if k != "total"},
    }


def cold_start(index: Path) -> dict[str, Any]:
    code = (
        "import time, resource; t0 = time.perf_counter(); import rag; "
        f"a = rag.ask({QUESTIONS[0]!r}, settings=rag.get_settings(index_dir={str(index)!r})); "
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024; "
        "print(round(time.perf_counter() - t0, 2), rss)"
    )
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return {
        "process_to_first_answer_s": round(time.perf_counter() - t0, 2),
        "in_process_s": float(out[0]),
        "peak_rss_mb": int(out[1]),
    }


def scale_figures(index: Path, sizes: list[int]) -> list[dict[str, Any]]:
    """Query latency and memory as the collection grows (vectors, not texts: see the module doc)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    import rag
    from rag.embedding import get_embedder
    from rag.store import get_store

    base = get_store(rag.get_settings(index_dir=index))
    got = base.collection.get(where={"kind": "chunk"}, include=["embeddings", "metadatas"])
    real = np.asarray(got["embeddings"], dtype=np.float32)
    embedder = get_embedder(rag.get_settings().embed_model)
    qvecs = [embedder.embed_query_vec(q) for q in QUESTIONS]
    rng = np.random.default_rng(0)
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            client = chromadb.PersistentClient(path=tmp, settings=ChromaSettings(anonymized_telemetry=False))
            col = client.create_collection("scale", metadata={"hnsw:space": "cosine"})
            t0 = time.perf_counter()
            for start in range(0, size, 5000):
                k = min(5000, size - start)
                v = real[rng.integers(0, len(real), k)] + rng.normal(0, 0.02, (k, real.shape[1])).astype(
                    np.float32
                )
                v /= np.linalg.norm(v, axis=1, keepdims=True)
                langs = rng.choice(["de", "id", "el", "hi"], k)
                col.add(
                    ids=[f"c{start + i}" for i in range(k)],
                    embeddings=v.tolist(),
                    metadatas=[{"kind": "chunk", "language": str(lang)} for lang in langs],
                )
            build_s = time.perf_counter() - t0
            lat = []
            for i in range(40):
                q = qvecs[i % len(qvecs)]
                t1 = time.perf_counter()
                for lang in ("de", "id", "el", "hi"):  # the product's per-language searches
                    col.query(
                        query_embeddings=[q.tolist()],
                        n_results=10,
                        where={"$and": [{"kind": "chunk"}, {"language": lang}]},
                        include=["distances"],
                    )
                lat.append((time.perf_counter() - t1) * 1000)
            rows.append(
                {
                    "chunks": size,
                    "search_p50_ms": round(statistics.median(lat), 1),
                    "search_p95_ms": _pct(lat, 95),
                    "build_s_per_1k": round(build_s / size * 1000, 3),
                    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000", help="chunk counts for the scale curve")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp)
        result: dict[str, Any] = {"ingest": ingest_figures(index)}
        result["query"] = query_figures(index)
        result["cold_start"] = cold_start(index)
        result["scale"] = scale_figures(index, [int(x) for x in args.sizes.split(",") if x])
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "bench.json").write_text(json.dumps(result, indent=2))
    lines = ["# Benchmark (python -m eval.bench)", "", "```json", json.dumps(result, indent=2), "```", ""]
    (REPORTS / "bench.md").write_text("\n".join(lines))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
