"""Reads of a whole index, collection by collection: every record, the indexed documents, each
document's sentences (for the translation alignment), each language's mean vectors.

Each function takes the index's collections by (kind, language), as ``Store`` lists them.

May import: numpy, ``rag.index.records``, ``rag.index.chroma``, ``rag.index.cache``,
``rag.index.sidecars``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rag.index.cache import each
from rag.index.chroma import vectors_of
from rag.index.records import CHUNK, SENTENCE, DocSentences
from rag.index.sidecars import LanguageStats

Collections = dict[tuple[str, str], Any]
PAGE = 5000  # records per Chroma ``get`` when paging through a collection


def get_all(cols: Collections, include: list[str] | None = None) -> dict[str, list[Any]]:
    """Every record, like Chroma's ``get`` (ids, and the fields in ``include``)."""
    fields = list(include or [])
    out: dict[str, list[Any]] = {"ids": [], **{f: [] for f in fields}}
    for _, col in sorted(cols.items()):
        got = col.get(include=fields)
        out["ids"].extend(got["ids"])
        for f in fields:
            out[f].extend(list(got[f]) if got[f] is not None else [None] * len(got["ids"]))
    return out


def documents(cols: Collections) -> dict[str, dict[str, Any]]:
    """doc_id -> {sha256, language, chunks, expected, complete} for every indexed document."""
    chunk_cols = [c for (kind, _), c in cols.items() if kind == CHUNK]
    docs: dict[str, dict[str, Any]] = {}
    shas: dict[str, set[str]] = {}
    for got in each(lambda c: c.get(include=["metadatas"]), chunk_cols):
        for meta in got["metadatas"] or []:
            doc_id = str(meta["doc_id"])
            d = docs.setdefault(
                doc_id,
                {
                    "sha256": meta["doc_sha"],
                    "language": meta["language"],
                    "chunks": 0,
                    "expected": int(meta.get("doc_chunks", 0)),
                },
            )
            d["chunks"] += 1
            shas.setdefault(doc_id, set()).add(str(meta["doc_sha"]))
    for doc_id, d in docs.items():
        # chunks are written last, after their sentences: all chunks there = the document is whole;
        # two versions side by side (also in two languages' collections) = an update that stopped
        # half-way
        d["complete"] = d["chunks"] == d["expected"] and len(shas[doc_id]) == 1
        if len(shas[doc_id]) > 1:
            d["sha256"] = ""
    return docs


def sentences(cols: Collections) -> dict[str, DocSentences]:
    """Each indexed document's sentences in order, with chunk ids, texts and vectors."""
    rows: dict[str, list[tuple[int, int, str, np.ndarray, dict[str, Any], str]]] = {}
    for (kind, _lang), col in sorted(cols.items()):
        if kind != SENTENCE:
            continue
        for offset in range(0, int(col.count()), PAGE):
            got = col.get(include=["metadatas", "embeddings", "documents"], limit=PAGE, offset=offset)
            embs = vectors_of(got)
            texts = got["documents"] or []
            for meta, emb, text in zip(got["metadatas"] or [], embs, texts, strict=True):
                rows.setdefault(str(meta["doc_id"]), []).append(
                    (
                        int(meta["start"]),
                        int(meta["end"]),
                        str(meta["chunk"]),
                        np.asarray(emb, np.float32),
                        meta,
                        text,
                    )
                )
    out = {}
    for doc_id, items in rows.items():
        items.sort(key=lambda r: r[0])
        meta = items[0][4]
        out[doc_id] = DocSentences(
            doc_id=doc_id,
            sha=str(meta["doc_sha"]),
            language=str(meta["language"]),
            spans=[(r[0], r[1]) for r in items],
            chunks=[r[2] for r in items],
            vecs=np.vstack([r[3] for r in items]),
            texts=[r[5] or "" for r in items],
        )
    return out


def language_stats(cols: Collections, docs_key: str = "") -> LanguageStats:
    """Each collection's mean vector (its kind and language are in its name) and chunk counts."""
    means: dict[str, dict[str, np.ndarray]] = {CHUNK: {}, SENTENCE: {}}
    counts: dict[str, int] = {}
    for (kind, lang), col in sorted(cols.items()):
        total, n, acc = int(col.count()), 0, None
        for offset in range(0, total, PAGE):
            got = col.get(include=["embeddings"], limit=PAGE, offset=offset)
            embs = np.asarray(vectors_of(got), dtype=np.float64)
            if len(embs):
                acc = embs.sum(axis=0) if acc is None else acc + embs.sum(axis=0)
                n += len(embs)
        if acc is not None:  # an emptied collection is no language of the index any more
            means[kind][lang] = (acc / n).astype(np.float32)
            if kind == CHUNK:
                counts[lang] = n
    return LanguageStats(
        chunk_mean=means[CHUNK], sentence_mean=means[SENTENCE], chunk_count=counts, docs_key=docs_key
    )
