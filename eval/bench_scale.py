"""The search at scale for ``python -m eval.bench``: synthetic indexes of 1k-100k chunks built from the
seeds' real vectors, searched as the product searches (and, for comparison, the layout before issue 8)."""

from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench_common import QUESTIONS
from eval.bench_common import pct as _pct

LANGS = ("de", "id", "el", "hi")


def _perturbed(real: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    v = real[rng.integers(0, len(real), k)] + rng.normal(0, 0.02, (k, real.shape[1])).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _build_scale_index(root: Path, size: int, real: dict[str, np.ndarray], rng: np.random.Generator) -> Any:
    """A store in the product's layout with ``size`` synthetic chunks (and one sentence each).

    Vectors are perturbed copies of the seeds' real chunk and sentence vectors; languages are drawn
    from four; records are written with Chroma's ``add`` straight into the (kind, language)
    collections (not through llama-index or the ingest: nothing is embedded), 5,000 per call.
    """
    import rag
    from rag.index.store import CHUNK, SENTENCE, Store

    store = Store(rag.get_settings(index_dir=root))
    langs = rng.choice(LANGS, size)
    for lang in LANGS:
        idx = np.flatnonzero(langs == lang)
        chunks = store.collection(CHUNK, lang, create=True)
        sentences = store.collection(SENTENCE, lang, create=True)
        for start in range(0, len(idx), 5000):
            part = idx[start : start + 5000]
            owners = [f"{i:010x}-0000000000-{lang}" for i in part]
            meta = {"language": lang, "doc_sha": "0", "doc_chunks": 1, "start": 0, "end": 100}
            sentences.add(
                ids=[f"{o}-s0-100" for o in owners],
                embeddings=_perturbed(real[SENTENCE], len(part), rng),
                metadatas=[
                    {**meta, "doc_id": f"d{i}", "kind": SENTENCE, "chunk": f"{o}-c0-100"}
                    for i, o in zip(part, owners, strict=True)
                ],
                documents=["x" * 100] * len(part),
            )
            chunks.add(
                ids=[f"{o}-c0-100" for o in owners],
                embeddings=_perturbed(real[CHUNK], len(part), rng),
                metadatas=[
                    {**meta, "doc_id": f"d{i}", "kind": CHUNK, "sentences": "[[0, 100]]", "position": 0}
                    for i in part
                ],
                documents=["x" * 100] * len(part),
            )
    store.save_stats(store.compute_stats("scale"))
    return store


def _timed(qvecs: list[np.ndarray], fn: Any, n: int = 40) -> list[float]:
    """Milliseconds per call of ``fn(question vector)``, after one call that loads the HNSW indexes."""
    fn(qvecs[0])
    lat = []
    for i in range(n):
        t1 = time.perf_counter()
        fn(qvecs[i % len(qvecs)])
        lat.append((time.perf_counter() - t1) * 1000)
    return lat


def _filtered_query(col: Any, q: np.ndarray, lang: str) -> Any:
    return col.query(
        query_embeddings=[q.tolist()],
        n_results=10,
        where={"$and": [{"kind": "chunk"}, {"language": lang}]},
        include=["distances"],
    )


def scale_figures(index: Path, sizes: list[int], old_layout: bool = True) -> list[dict[str, Any]]:
    """Search latency and memory as the index grows (vectors, not texts: see ``_build_scale_index``).

    ``search_p50_ms``: the four per-language nearest-neighbour queries, one after the other, ids and
    distances only (what the old figure measured). ``retrieval_search_p50_ms``: the product's whole
    ``retrieval.search`` (the four queries side by side with their records, the sentence vectors,
    scoring), for five questions in turn, so records come from the store's cache after the first
    round; ``_uncached``: the same with the cache emptied before each question.
    ``filtered_one_collection_p50_ms``: the layout before issue 8, one collection and a
    ``where`` filter per language, on the same vectors in the same run.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    import rag
    from rag.index.embedders import get_embedder
    from rag.index.records import CHUNK, SENTENCE, record_location
    from rag.index.store import get_store
    from rag.retrieval import search as retrieval

    base = get_store(rag.get_settings(index_dir=index))
    every = base.get_all(include=["embeddings"])
    real = {
        kind: np.asarray(
            [
                v
                for i, v in zip(every["ids"], every["embeddings"], strict=True)
                if record_location(i)[0] == kind
            ],
            dtype=np.float32,
        )
        for kind in (CHUNK, SENTENCE)
    }
    embedder = get_embedder(rag.get_settings().embed_model)
    qvecs = [embedder.embed_query_vec(q) for q in QUESTIONS]
    rng = np.random.default_rng(0)
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            store = _build_scale_index(Path(tmp), size, real, rng)
            build_s = time.perf_counter() - t0
            plain = _timed(qvecs, lambda q, st=store: [st.nearest(q, 10, CHUNK, lang) for lang in LANGS])
            full = _timed(qvecs, lambda q, st=store: retrieval.search(q, st.settings, st))
            uncached = _timed(
                qvecs, lambda q, st=store: (st.clear_cache(), retrieval.search(q, st.settings, st))
            )
            row: dict[str, Any] = {
                "chunks": size,
                "search_p50_ms": round(statistics.median(plain), 1),
                "search_p95_ms": _pct(plain, 95),
                "retrieval_search_p50_ms": round(statistics.median(full), 1),
                "retrieval_search_p95_ms": _pct(full, 95),
                "retrieval_search_uncached_p50_ms": round(statistics.median(uncached), 1),
                "retrieval_search_uncached_p95_ms": _pct(uncached, 95),
                "build_s_per_1k_chunks": round(build_s / size * 1000, 3),
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            }
        if old_layout:
            with tempfile.TemporaryDirectory() as tmp:
                client = chromadb.PersistentClient(
                    path=tmp, settings=ChromaSettings(anonymized_telemetry=False)
                )
                col = client.create_collection("scale", metadata={"hnsw:space": "cosine"})
                for start in range(0, size, 5000):
                    k = min(5000, size - start)
                    col.add(
                        ids=[f"c{start + i}" for i in range(k)],
                        embeddings=_perturbed(real[CHUNK], k, rng),
                        metadatas=[{"kind": "chunk", "language": str(x)} for x in rng.choice(LANGS, k)],
                    )
                old = _timed(qvecs, lambda q, c=col: [_filtered_query(c, q, lang) for lang in LANGS])
                row["filtered_one_collection_p50_ms"] = round(statistics.median(old), 1)
                row["filtered_one_collection_p95_ms"] = _pct(old, 95)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    return rows
