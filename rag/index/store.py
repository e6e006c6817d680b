"""The vector store: Chroma, one collection per (kind, language).

All collections of an index share a name prefix made from a fingerprint of what built it (embedder +
chunking + schema), so changing either never mixes vectors: ``<prefix>__chunk__de``,
``<prefix>__sentence__de``, ... A per-language search is then a plain HNSW query on one collection:
a ``where`` filter on one shared collection made Chroma scan (measured: 16 / 71 / 559 ms for the four
per-language searches at 1k / 10k / 100k chunks). Writes go through llama-index's ``ChromaVectorStore``
(one per collection, made on first write); reads go to the collections directly. A record's id names
its kind and language (see ``indexing.record_id``), so a read by id knows its collection.

Beside the collections, a small JSON file keeps each language's mean vector, used to take the
language bias out of cross-lingual scores (see retrieval.py).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np
from filelock import FileLock, Timeout

from rag.settings import Settings

logger = logging.getLogger(__name__)

CHUNK = "chunk"
SENTENCE = "sentence"
KINDS = (CHUNK, SENTENCE)
_SEP = "__"  # between the index's prefix, the kind and the language in a collection name
_T = TypeVar("_T")
_R = TypeVar("_R")
_V = TypeVar("_V")


class IndexError_(RuntimeError):
    """The index cannot be used (missing, locked, corrupt); the message says what to do."""


def language_key(language: str) -> str:
    """The language code as stored (metadata, record id, collection name): py3langid's short ISO code.

    Anything else (never produced by documents.detect_language) becomes ``und``: a collection name
    and a record id must not carry arbitrary text.
    """
    return language if re.fullmatch(r"[a-z]{2,8}", language) else "und"


def record_location(record_id: str) -> tuple[str, str]:
    """(kind, language) of a record, read from its id ``<owner>-<sha>-<lang>-<c|s><start>-<end>``."""
    parts = record_id.split("-")
    if len(parts) != 5 or parts[3][:1] not in ("c", "s"):
        raise KeyError(f"not a record id of this index: {record_id!r}")
    return (CHUNK if parts[3][0] == "c" else SENTENCE), parts[2]


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


_POOL_NAME = "rag-store"


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix=_POOL_NAME)


def each(fn: Callable[[_T], _R], items: Iterable[_T]) -> list[_R]:
    """``[fn(x) for x in items]``, side by side (reads of several collections: Chroma's engine
    releases the GIL). Inline for one item, and inside a worker (a worker waiting on the pool could
    wait forever)."""
    todo = list(items)
    if len(todo) <= 1 or threading.current_thread().name.startswith(_POOL_NAME):
        return [fn(x) for x in todo]
    return list(_pool().map(fn, todo))


# Records (and sentence vectors) kept in memory per store: ~2 KB each, so at most ~80 MB in all.
RECORD_CACHE = 20_000


class _LRU(Generic[_V]):
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[str, _V] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: list[str]) -> dict[str, _V]:
        with self._lock:
            out = {k: self._data[k] for k in keys if k in self._data}
            for k in out:
                self._data.move_to_end(k)
            return out

    def put_many(self, items: dict[str, _V]) -> None:
        with self._lock:
            self._data.update(items)
            for k in items:
                self._data.move_to_end(k)
            while len(self._data) > self.size:
                self._data.popitem(last=False)


class Store:
    """The collections of one index plus its language stats. Cheap to query; build it once per process."""

    def __init__(self, settings: Settings) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.settings = settings
        self.name = settings.collection_name()  # the prefix of every collection of this index
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.chroma_host:
            self.local_dir: Path | None = None
        else:
            self.local_dir = Path(settings.index_dir)
            self.local_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._collections: dict[tuple[str, str], Any] = {}
        # llama-index's ChromaVectorStore for each collection, made on its first write
        self._writers: dict[tuple[str, str], Any] = {}
        self._seen_records = False
        # records by id, kept across questions: an id names one version of one span of one document
        # (indexing.record_id), so what it holds never changes; a new version has new ids
        self._record_cache: _LRU[Record] = _LRU(RECORD_CACHE)
        self._vector_cache: _LRU[np.ndarray] = _LRU(RECORD_CACHE)
        try:
            self.client = self._open(chromadb, chroma_settings)
        except Exception as exc:
            if self.local_dir is None:
                raise IndexError_(f"cannot use the Chroma server at {settings.chroma_host}: {exc}") from exc
            # a corrupt or version-mismatched index: keep it aside (nothing is deleted), start afresh;
            # the next ask or ingest rebuilds it from the documents
            broken = self.local_dir / f"chroma.broken-{time.strftime('%Y%m%d-%H%M%S')}"
            (self.local_dir / "chroma").rename(broken)
            for sidecar in self.local_dir.glob(f"{self.name}.*.json"):
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
            self.client = self._open(chromadb, chroma_settings)
        self._stats: LanguageStats | None = None
        self._stats_lock = threading.Lock()
        self._alignment: Any = None

    def _open(self, chromadb: Any, chroma_settings: Any) -> Any:
        if self.local_dir is None:
            client = chromadb.HttpClient(
                host=self.settings.chroma_host, port=self.settings.chroma_port, settings=chroma_settings
            )
        else:
            client = chromadb.PersistentClient(path=str(self.local_dir / "chroma"), settings=chroma_settings)
        self._collections = self._list(client)
        # touches the storage: a broken index fails here, not mid-question
        self._seen_records = sum(int(c.count()) for c in self._collections.values()) > 0
        return client

    # -- collections -------------------------------------------------------------------------
    def collection_name(self, kind: str, language: str) -> str:
        return f"{self.name}{_SEP}{kind}{_SEP}{language}"

    def _list(self, client: Any) -> dict[tuple[str, str], Any]:
        """This index's collections, by (kind, language), as the database has them now."""
        found: dict[tuple[str, str], Any] = {}
        prefix, page, offset = self.name + _SEP, 1000, 0
        while True:
            batch = client.list_collections(limit=page, offset=offset)
            for col in batch:
                if col.name.startswith(prefix):
                    kind, _, lang = col.name[len(prefix) :].partition(_SEP)
                    if kind in KINDS and lang:
                        found[(kind, lang)] = col
            if len(batch) < page:
                return found
            offset += page

    def _refresh(self) -> dict[tuple[str, str], Any]:
        """All collections of this index (another process may have made some since we looked)."""
        found = self._list(self.client)
        with self._lock:
            self._collections.update(found)
            return dict(self._collections)

    def collection(self, kind: str, language: str, create: bool = False) -> Any:
        """The Chroma collection of (kind, language); None when it does not exist and ``create`` is false."""
        key = (kind, language)
        with self._lock:
            col = self._collections.get(key)
            if col is not None:
                return col
            name = self.collection_name(kind, language)
            if create:
                col = self.client.get_or_create_collection(
                    name, metadata={"hnsw:space": "cosine", "fingerprint": self.settings.fingerprint()}
                )
            else:
                from chromadb.errors import NotFoundError

                try:
                    col = self.client.get_collection(name)
                except NotFoundError:
                    return None
            self._collections[key] = col
            return col

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
        """Records in all collections of this index."""
        return sum(each(lambda c: int(c.count()), self._refresh().values()))

    def is_empty(self) -> bool:
        """Whether nothing is indexed; once records were seen, not asked again (it costs a round trip)."""
        if not self._seen_records:
            self._seen_records = self.count() > 0
        return not self._seen_records

    def languages(self, kind: str = CHUNK) -> list[str]:
        """Languages that have a collection of ``kind``."""
        return sorted(lang for k, lang in self._refresh() if k == kind)

    def get_all(self, include: list[str] | None = None) -> dict[str, list[Any]]:
        """Every record of the index, like Chroma's ``get`` (ids, and the fields in ``include``)."""
        fields = list(include or [])
        out: dict[str, list[Any]] = {"ids": [], **{f: [] for f in fields}}
        for _, col in sorted(self._refresh().items()):
            got = col.get(include=fields)
            out["ids"].extend(got["ids"])
            for f in fields:
                out[f].extend(list(got[f]) if got[f] is not None else [None] * len(got["ids"]))
        return out

    def documents(self) -> dict[str, dict[str, Any]]:
        """doc_id -> {sha256, language, chunks, complete} for every indexed document."""
        chunk_cols = [c for (kind, _), c in self._refresh().items() if kind == CHUNK]
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

    def _by_collection(self, ids: list[str]) -> dict[tuple[str, str], list[str]]:
        groups: dict[tuple[str, str], list[str]] = {}
        for i in ids:
            groups.setdefault(record_location(i), []).append(i)
        return groups

    def _get(self, ids: list[str], include: list[str]) -> list[dict[str, Any]]:
        """Chroma ``get`` results for ``ids``, one per collection they live in (read side by side)."""

        def one(item: tuple[tuple[str, str], list[str]]) -> dict[str, Any]:
            col = self.collection(*item[0])
            if col is None:
                return {"ids": [], **{f: [] for f in include}}
            return dict(col.get(ids=item[1], include=include))

        return each(one, self._by_collection(ids).items())

    def embeddings(self, ids: list[str]) -> dict[str, np.ndarray]:
        out = self._vector_cache.get_many(ids)
        for got in self._get([i for i in ids if i not in out], ["embeddings"]):
            embs = _vectors(got)
            fetched = {i: _frozen(embs[n]) for n, i in enumerate(got["ids"])}
            self._vector_cache.put_many(fetched)
            out.update(fetched)
        return out

    def sentences(self) -> dict[str, Any]:
        """Each indexed document's sentences in order, with chunk ids, texts and vectors (align.py)."""
        from rag.translations.align import DocSentences

        rows: dict[str, list[tuple[int, int, str, np.ndarray, dict[str, Any], str]]] = {}
        page = 5000
        for (kind, _lang), col in sorted(self._refresh().items()):
            if kind != SENTENCE:
                continue
            for offset in range(0, int(col.count()), page):
                got = col.get(include=["metadatas", "embeddings", "documents"], limit=page, offset=offset)
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
        from rag.translations.align import Alignment

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
        out = self._record_cache.get_many(ids)
        for got in self._get([i for i in ids if i not in out], ["metadatas", "documents", "embeddings"]):
            fetched = _records(got["ids"], got)
            self._record_cache.put_many(fetched)
            out.update(fetched)
        return out

    def clear_cache(self) -> None:
        """Forget the records kept in memory (the next reads go to Chroma)."""
        self._record_cache = _LRU(RECORD_CACHE)
        self._vector_cache = _LRU(RECORD_CACHE)

    def nearest(self, vector: np.ndarray, n: int, kind: str, language: str) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the ``n`` records of (kind, language) nearest to ``vector``.

        A plain HNSW query on that collection: no ``where`` filter, which Chroma would apply by
        scanning. Only ids and distances travel here (llama-index's ``ChromaVectorStore.query`` would
        also rebuild a node from JSON for every hit, which costs more than the search itself).
        """
        col = self.collection(kind, language)
        if col is None:
            return []
        res = col.query(query_embeddings=[vector.tolist()], n_results=n, include=["distances"])
        # the collections use the cosine space: distance = 1 - cos
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0], strict=True)]

    def nearest_records(
        self, vector: np.ndarray, n: int, kind: str, language: str
    ) -> list[tuple[str, float, Record]]:
        """Like ``nearest``, with each hit's text, metadata and vector (``records``: mostly cached)."""
        hits = self.nearest(vector, n, kind, language)
        recs = self.records([i for i, _ in hits])
        return [(i, cos, recs[i]) for i, cos in hits]

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
        """Each collection's mean vector (its kind and language are in its name) and chunk counts."""
        means: dict[str, dict[str, np.ndarray]] = {CHUNK: {}, SENTENCE: {}}
        counts: dict[str, int] = {}
        page = 5000
        for (kind, lang), col in sorted(self._refresh().items()):
            total, n, acc = int(col.count()), 0, None
            for offset in range(0, total, page):
                got = col.get(include=["embeddings"], limit=page, offset=offset)
                embs = np.asarray(_vectors(got), dtype=np.float64)
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

    def save_stats(self, stats: LanguageStats) -> None:
        path = self._sidecar("stats.json")
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(stats.to_json()))
        os.replace(tmp, path)  # atomic: a reader sees the old or the new file, never half of one
        with self._stats_lock:
            self._stats = stats

    def add(self, nodes: list[Any]) -> None:
        """Write nodes (with embeddings) in their order, each into its (kind, language) collection.

        The order matters: ``indexing.build_nodes`` puts a document's sentences before its chunks, and
        a document counts as whole once all its chunks are there (see ``documents``).
        """
        from llama_index.vector_stores.chroma import ChromaVectorStore  # writes only: heavy to import

        def where(node: Any) -> tuple[str, str]:
            return str(node.metadata["kind"]), str(node.metadata["language"])

        for key, run in groupby(nodes, key=where):
            if key not in self._writers:
                self._writers[key] = ChromaVectorStore(chroma_collection=self.collection(*key, create=True))
            self._writers[key].add(list(run))

    def delete_document(self, doc_id: str, keep_sha: str | None = None) -> None:
        """Delete a document's records (those of every version but ``keep_sha``, if given), everywhere.

        Chunks go first, then sentences (the reverse of writing): a delete killed half-way leaves no
        chunk whose sentences are gone, and the journal (``<index>.deleting.json``) has the next
        ingest finish it, so no orphaned sentence stays behind.
        """
        self._journal(add=(doc_id, keep_sha))
        where: dict[str, Any] = {"doc_id": doc_id}
        if keep_sha:
            where = {"$and": [where, {"doc_sha": {"$ne": keep_sha}}]}
        cols = self._refresh()
        for kind in KINDS:  # one after the other: writes stay sequential
            for (k, _), col in sorted(cols.items()):
                if k == kind:
                    col.delete(where=where)
        self._journal(done=(doc_id, keep_sha))
        self._seen_records = False

    def finish_deletes(self) -> None:
        """Redo the deletes a killed ingest left unfinished (they are idempotent)."""
        for doc_id, keep_sha in self._journal():
            logger.info("finishing an interrupted delete of %s", doc_id)
            self.delete_document(doc_id, keep_sha)

    def _journal(
        self, add: tuple[str, str | None] | None = None, done: tuple[str, str | None] | None = None
    ) -> list[tuple[str, str | None]]:
        path = self._sidecar("deleting.json")
        try:
            pending = [(str(d), k) for d, k in json.loads(path.read_text())]
        except (OSError, ValueError):
            pending = []
        if add is None and done is None:
            return pending
        if add is not None and add not in pending:
            pending.append(add)
        if done is not None:
            pending = [p for p in pending if p != done]
        if pending:
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(pending))
            os.replace(tmp, path)
        else:
            path.unlink(missing_ok=True)
        return pending


def _records(ids: list[str], got: Any) -> dict[str, Record]:
    embs = _vectors(got)
    metas, docs = got["metadatas"] or [], got["documents"] or []
    return {
        i: Record(
            docs[n] or "",
            # llama-index's copy of the whole node as JSON: nothing reads it, and records are cached
            {k: v for k, v in (metas[n] or {}).items() if k != "_node_content"},
            _frozen(embs[n]),
        )
        for n, i in enumerate(ids)
    }


def _frozen(vector: Any) -> np.ndarray:
    """A float32 copy that cannot be changed in place (cached records are shared between questions)."""
    out = np.array(vector, dtype=np.float32)
    out.flags.writeable = False
    return out


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
