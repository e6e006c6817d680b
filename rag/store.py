"""The vector store: Chroma through llama-index's ``ChromaVectorStore``.

One collection per fingerprint of what built it (embedder + chunking), so changing either never
mixes vectors. Chunks and sentences live in the same collection, told apart by ``kind``. Beside the
collection, a small JSON file keeps each language's mean vector, used to take the language bias
out of cross-lingual scores (see retrieval.py).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from rag.settings import Settings

logger = logging.getLogger(__name__)

CHUNK = "chunk"
SENTENCE = "sentence"


class IndexError_(RuntimeError):
    """The index cannot be used (missing, locked, corrupt); the message says what to do."""


@dataclass(frozen=True)
class Record:
    text: str
    metadata: dict[str, Any]
    vector: np.ndarray


@dataclass
class LanguageStats:
    """Mean chunk and sentence vectors per language (for centering) and chunk counts."""

    chunk_mean: dict[str, np.ndarray]
    sentence_mean: dict[str, np.ndarray]
    chunk_count: dict[str, int]
    docs_key: str = ""  # which document versions these were computed from

    def to_json(self) -> dict[str, Any]:
        return {
            "chunk_mean": {k: v.tolist() for k, v in self.chunk_mean.items()},
            "sentence_mean": {k: v.tolist() for k, v in self.sentence_mean.items()},
            "chunk_count": self.chunk_count,
            "docs_key": self.docs_key,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LanguageStats:
        def arr(d: dict[str, list[float]]) -> dict[str, np.ndarray]:
            return {k: np.asarray(v, dtype=np.float32) for k, v in d.items()}

        return cls(
            arr(data["chunk_mean"]),
            arr(data["sentence_mean"]),
            dict(data["chunk_count"]),
            str(data.get("docs_key", "")),
        )


class Store:
    """A Chroma collection plus its language stats. Cheap to query; build it once per process."""

    def __init__(self, settings: Settings) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.settings = settings
        self.name = settings.collection_name()
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.chroma_host:
            self.local_dir: Path | None = None
        else:
            self.local_dir = Path(settings.index_dir)
            self.local_dir.mkdir(parents=True, exist_ok=True)
        try:
            client, self.collection = self._open(chromadb, chroma_settings)
        except Exception as exc:
            if self.local_dir is None:
                raise IndexError_(f"cannot use the Chroma server at {settings.chroma_host}: {exc}") from exc
            # a corrupt or version-mismatched index: keep it aside (nothing is deleted), start afresh;
            # the next ask or ingest rebuilds it from the documents
            broken = self.local_dir / f"chroma.broken-{time.strftime('%Y%m%d-%H%M%S')}"
            (self.local_dir / "chroma").rename(broken)
            for sidecar in [
                *self.local_dir.glob(f"{self.name}.stats.json"),
                *self.local_dir.glob(f"{self.name}.align.json"),
            ]:
                sidecar.unlink()
            logger.warning(
                "the index in %s could not be opened (%s); moved it to %s and rebuilding",
                self.local_dir,
                exc,
                broken.name,
            )
            # Chroma keeps one client per path in the process: forget the broken one
            from chromadb.api.client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
            client, self.collection = self._open(chromadb, chroma_settings)
        self.client = client
        self.vector_store = ChromaVectorStore(chroma_collection=self.collection)
        self._stats: LanguageStats | None = None
        self._stats_lock = threading.Lock()
        self._seen_records = False
        self._alignment: Any = None

    def _open(self, chromadb: Any, chroma_settings: Any) -> tuple[Any, Any]:
        if self.local_dir is None:
            client = chromadb.HttpClient(
                host=self.settings.chroma_host, port=self.settings.chroma_port, settings=chroma_settings
            )
        else:
            client = chromadb.PersistentClient(path=str(self.local_dir / "chroma"), settings=chroma_settings)
        collection = client.get_or_create_collection(
            self.name, metadata={"hnsw:space": "cosine", "fingerprint": self.settings.fingerprint()}
        )
        collection.count()  # touches the storage: a broken index fails here, not mid-question
        return client, collection

    # -- paths -------------------------------------------------------------------------------
    def _sidecar(self, suffix: str) -> Path:
        base = self.local_dir if self.local_dir else Path(self.settings.index_dir)
        base.mkdir(parents=True, exist_ok=True)
        return base / f"{self.name}.{suffix}"

    def writer_lock(self, timeout: float = 0) -> FileLock:
        """The one-writer lock: Chroma's embedded client is not safe for two writing processes."""
        return FileLock(str(self._sidecar("lock")), timeout=timeout)

    def acquire_writer(self, wait: float) -> FileLock:
        lock = self.writer_lock(timeout=wait)
        try:
            lock.acquire()
        except Timeout as exc:
            raise IndexError_(
                f"another process is writing the index {self._sidecar('lock').parent}; "
                "wait for it to finish, then run ingest again"
            ) from exc
        return lock

    # -- reading -----------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.collection.count())

    def is_empty(self) -> bool:
        """Whether nothing is indexed; once records were seen, not asked again (it costs a round trip)."""
        if not self._seen_records:
            self._seen_records = self.count() > 0
        return not self._seen_records

    def documents(self) -> dict[str, dict[str, Any]]:
        """doc_id -> {sha256, language, chunks, complete} for every indexed document."""
        got = self.collection.get(where={"kind": CHUNK}, include=["metadatas"])
        docs: dict[str, dict[str, Any]] = {}
        shas: dict[str, set[str]] = {}
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
            # two versions side by side = an update that stopped half-way
            d["complete"] = d["chunks"] == d["expected"] and len(shas[doc_id]) == 1
            if len(shas[doc_id]) > 1:
                d["sha256"] = ""
        return docs

    def embeddings(self, ids: list[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self.collection.get(ids=ids, include=["embeddings"])
        embs = _vectors(got)
        return {i: np.asarray(embs[n], dtype=np.float32) for n, i in enumerate(got["ids"])}

    def nearest(self, vector: np.ndarray, n: int, where: dict[str, Any]) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the ``n`` nearest records matching ``where``.

        Only ids and distances travel here; records are fetched afterwards for the few that are
        kept. (llama-index's ``ChromaVectorStore.query`` would also rebuild a node from JSON for
        every hit, which costs more than the search itself.)
        """
        res = self.collection.query(
            query_embeddings=[vector.tolist()], n_results=n, where=where, include=["distances"]
        )
        dists = (res["distances"] or [[]])[0]
        # the collection uses the cosine space: distance = 1 - cos
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], dists, strict=True)]

    def sentences(self) -> dict[str, Any]:
        """Each indexed document's sentences in order, with chunk ids, texts and vectors (align.py)."""
        from rag.align import DocSentences

        rows: dict[str, list[tuple[int, int, str, np.ndarray, dict[str, Any], str]]] = {}
        total, page = self.count(), 5000
        for offset in range(0, total, page):
            got = self.collection.get(
                where={"kind": SENTENCE},
                include=["metadatas", "embeddings", "documents"],
                limit=page,
                offset=offset,
            )
            embs = _vectors(got)
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

    def alignment(self) -> Any:
        """The translation alignment of the indexed documents (align.py), read once per process."""
        from rag.align import Alignment

        with self._stats_lock:
            if self._alignment is None:
                self._alignment = Alignment.load(self._sidecar("align.json"))
            return self._alignment

    def save_alignment(self, alignment: Any) -> None:
        alignment.save(self._sidecar("align.json"))
        with self._stats_lock:
            self._alignment = alignment

    def records(self, ids: list[str]) -> dict[str, Record]:
        """Text, metadata and vector of each id (Chroma returns them in its own order: keyed by id)."""
        if not ids:
            return {}
        got = self.collection.get(ids=ids, include=["metadatas", "documents", "embeddings"])
        embs = _vectors(got)
        metas, docs = got["metadatas"] or [], got["documents"] or []
        return {
            i: Record(docs[n] or "", dict(metas[n] or {}), np.asarray(embs[n], dtype=np.float32))
            for n, i in enumerate(got["ids"])
        }

    def stats(self) -> LanguageStats:
        with self._stats_lock:
            if self._stats is None:
                path = self._sidecar("stats.json")
                try:
                    self._stats = LanguageStats.from_json(json.loads(path.read_text()))
                except (OSError, ValueError, KeyError):
                    logger.info("language stats missing or unreadable; recomputing from the index")
                    self._stats = self.compute_stats()
            return self._stats

    # -- writing -----------------------------------------------------------------------------
    def saved_stats_key(self) -> str | None:
        try:
            return str(json.loads(self._sidecar("stats.json").read_text()).get("docs_key", ""))
        except (OSError, ValueError):
            return None

    def compute_stats(self, docs_key: str = "") -> LanguageStats:
        sums: dict[str, dict[str, np.ndarray]] = {CHUNK: {}, SENTENCE: {}}
        counts: dict[str, dict[str, int]] = {CHUNK: {}, SENTENCE: {}}
        total = self.count()
        page = 5000
        for offset in range(0, total, page):
            got = self.collection.get(include=["embeddings", "metadatas"], limit=page, offset=offset)
            embs = _vectors(got)
            for meta, emb in zip(got["metadatas"] or [], embs, strict=True):
                kind, lang = str(meta["kind"]), str(meta["language"])
                vec = np.asarray(emb, dtype=np.float64)
                sums[kind][lang] = sums[kind].get(lang, 0) + vec
                counts[kind][lang] = counts[kind].get(lang, 0) + 1
        stats = LanguageStats(
            chunk_mean={k: (v / counts[CHUNK][k]).astype(np.float32) for k, v in sums[CHUNK].items()},
            sentence_mean={
                k: (v / counts[SENTENCE][k]).astype(np.float32) for k, v in sums[SENTENCE].items()
            },
            chunk_count=counts[CHUNK],
            docs_key=docs_key,
        )
        return stats

    def save_stats(self, stats: LanguageStats) -> None:
        path = self._sidecar("stats.json")
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(stats.to_json()))
        os.replace(tmp, path)  # atomic: a reader sees the old or the new file, never half of one
        with self._stats_lock:
            self._stats = stats

    def add(self, nodes: list[Any]) -> None:
        self.vector_store.add(nodes)

    def delete_document(self, doc_id: str, keep_sha: str | None = None) -> None:
        """Delete a document's records (those of every version but ``keep_sha``, if given)."""
        where: dict[str, Any] = {"doc_id": doc_id}
        if keep_sha:
            where = {"$and": [where, {"doc_sha": {"$ne": keep_sha}}]}
        self.collection.delete(where=where)
        self._seen_records = False


def _vectors(got: Any) -> Any:
    """The embeddings of a Chroma ``get``; their absence means an index we cannot trust."""
    embs = got["embeddings"]
    if embs is None:
        raise IndexError_("the index returned no vectors: delete the index folder and run ingest again")
    return embs


_STORES: dict[tuple[str, str, str | None, int], Store] = {}
_STORES_LOCK = threading.Lock()


def get_store(settings: Settings) -> Store:
    """One Store (one Chroma client) per index location and fingerprint, per process."""
    key = (
        str(Path(settings.index_dir).resolve()),
        settings.fingerprint(),
        settings.chroma_host,
        settings.chroma_port,
    )
    with _STORES_LOCK:
        if key not in _STORES:
            _STORES[key] = Store(settings)
        return _STORES[key]


def reset_stores() -> None:
    """Forget cached stores (tests, or after the index folder was removed)."""
    with _STORES_LOCK:
        _STORES.clear()
