"""The vector store: Chroma, one collection per (kind, language), and the files kept beside it.

All collections of an index share a name prefix made from a fingerprint of what built it (embedder +
chunking + schema), so changing either never mixes vectors: ``<prefix>__chunk__de``,
``<prefix>__sentence__de``, ... A per-language search is then a plain HNSW query on one collection:
a ``where`` filter on one shared collection made Chroma scan (measured: 16 / 71 / 559 ms for the four
per-language searches at 1k / 10k / 100k chunks). Reads and writes both go to the collections
directly, with our ids, vectors, texts and scalar metadata (see NOTES.md: no llama-index node JSON
per record). A record's id names its kind and language (``records.record_id``), so a read by id
knows its collection.

Beside the collections, sidecar files (sidecars.py): each language's mean vector, used to take the
language bias out of cross-lingual scores (retrieval/search.py), the delete journal, the writer
lock, and what other stages keep by name (the translation alignment).

May import: chromadb, filelock, numpy, the other modules of ``rag.index`` (records, cache, chroma,
scans, sidecars), ``rag.settings``. Never llama-index, never a later stage (translations, ...).
"""

from __future__ import annotations

import logging
import threading
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

from rag.index import scans
from rag.index.cache import RecordCache, each
from rag.index.chroma import SEP, IndexError_, list_collections
from rag.index.chroma import client as chroma_client
from rag.index.chroma import set_aside as set_chroma_aside
from rag.index.records import CHUNK, KINDS, SENTENCE, DocSentences, NewRecord, Record, language_key
from rag.index.sidecars import STATS, LanguageStats, Sidecars
from rag.settings import Settings

logger = logging.getLogger(__name__)

# importable from here: the names other stages use with the store
__all__ = ["CHUNK", "SENTENCE", "IndexError_", "LanguageStats", "NewRecord", "Record", "Store", "each"]
__all__ += ["get_store", "language_key", "reset_stores"]


class Store:
    """The collections of one index plus its sidecars. Cheap to query; build it once per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = settings.collection_name()  # the prefix of every collection of this index
        self.local_dir = None if settings.chroma_host else Path(settings.index_dir)
        if self.local_dir is not None:
            self.local_dir.mkdir(parents=True, exist_ok=True)
        self.sidecars = Sidecars(self.local_dir or Path(settings.index_dir), self.name)
        self._lock = threading.Lock()
        self._collections: dict[tuple[str, str], Any] = {}
        self._seen_records = False
        self._max_batch: int | None = None  # records per Chroma ``add``, asked on the first write
        self._cache = RecordCache(self.collection)  # records by id, kept across questions
        try:
            self.client = self._open()
        except Exception as exc:
            if self.local_dir is None:
                raise IndexError_(f"cannot use the Chroma server at {settings.chroma_host}: {exc}") from exc
            # a corrupt or version-mismatched index: keep it aside, start afresh; the next ask or
            # ingest rebuilds it from the documents
            set_chroma_aside(self.local_dir, exc)
            self.sidecars.remove_all()
            self.client = self._open()
        self._stats: LanguageStats | None = None
        self._stats_lock = threading.Lock()

    def _open(self) -> Any:
        client = chroma_client(self.settings, self.local_dir)
        self._collections = self._list(client)
        # touches the storage: a broken index fails here, not mid-question
        self._seen_records = sum(int(c.count()) for c in self._collections.values()) > 0
        return client

    # -- collections -------------------------------------------------------------------------
    def collection_name(self, kind: str, language: str) -> str:
        return f"{self.name}{SEP}{kind}{SEP}{language}"

    def _list(self, client: Any) -> dict[tuple[str, str], Any]:
        """This index's collections, by (kind, language), as the database has them now."""
        return list_collections(client, self.name)

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

    # -- sidecars ----------------------------------------------------------------------------
    def writer_lock(self, timeout: float = 0) -> FileLock:
        """The one-writer lock: Chroma's embedded client is not safe for two writing processes."""
        return self.sidecars.writer_lock(timeout)

    def acquire_writer(self, wait: float) -> FileLock:
        return self.sidecars.acquire_writer(wait)

    def read_sidecar(self, name: str) -> Any:
        """The JSON kept beside the index under ``name`` (e.g. ``align.json``).

        Raises ``FileNotFoundError`` when there is none, ``ValueError`` when it cannot be read.
        """
        return self.sidecars.read(name)

    def write_sidecar(self, name: str, data: Any) -> None:
        """Keep ``data`` as JSON beside the index under ``name``, atomically."""
        self.sidecars.write(name, data)

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
        return scans.get_all(self._refresh(), include)

    def documents(self) -> dict[str, dict[str, Any]]:
        """doc_id -> {sha256, language, chunks, complete} for every indexed document."""
        return scans.documents(self._refresh())

    def sentences(self) -> dict[str, DocSentences]:
        """Each indexed document's sentences in order, with chunk ids, texts and vectors."""
        return scans.sentences(self._refresh())

    def embeddings(self, ids: list[str]) -> dict[str, np.ndarray]:
        """The vector of each id (mostly from memory)."""
        return self._cache.embeddings(ids)

    def records(self, ids: list[str]) -> dict[str, Record]:
        """Text, metadata and vector of each id (Chroma returns them in its own order: keyed by id)."""
        return self._cache.records(ids)

    def clear_cache(self) -> None:
        """Forget the records kept in memory (the next reads go to Chroma)."""
        self._cache.clear()

    def nearest(self, vector: np.ndarray, n: int, kind: str, language: str) -> list[tuple[str, float]]:
        """Ids and cosine similarities of the ``n`` records of (kind, language) nearest to ``vector``.

        A plain HNSW query on that collection: no ``where`` filter, which Chroma would apply by
        scanning. Only ids and distances travel here.
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
                try:
                    self._stats = LanguageStats.from_json(self.sidecars.read(STATS))
                except (OSError, ValueError, KeyError):
                    logger.info("language stats missing or unreadable; recomputing from the index")
                    self._stats = self.compute_stats()
            return self._stats

    # -- writing -----------------------------------------------------------------------------
    def saved_stats_key(self) -> str | None:
        try:
            return str(self.sidecars.read(STATS).get("docs_key", ""))
        except (OSError, ValueError):
            return None

    def compute_stats(self, docs_key: str = "") -> LanguageStats:
        """Each collection's mean vector (its kind and language are in its name) and chunk counts."""
        return scans.language_stats(self._refresh(), docs_key)

    def save_stats(self, stats: LanguageStats) -> None:
        self.sidecars.write(STATS, stats.to_json())
        with self._stats_lock:
            self._stats = stats

    def add(self, records: list[NewRecord]) -> None:
        """Write records (with their vectors) in their order, each into its (kind, language) collection.

        The order matters: ``ingestion.pipeline.build_records`` puts a document's sentences before its
        chunks, and a document counts as whole once all its chunks are there (see ``documents``).
        """
        if any(r.vector is None for r in records):
            raise ValueError("a record to write has no vector: embed it first")
        if self._max_batch is None:
            self._max_batch = int(self.client.get_max_batch_size())
        for (kind, language), group in groupby(records, key=lambda r: r.location):
            run = list(group)
            col = self.collection(kind, language, create=True)
            for start in range(0, len(run), self._max_batch):
                part = run[start : start + self._max_batch]
                col.add(
                    ids=[r.id for r in part],
                    embeddings=[np.asarray(r.vector, np.float32) for r in part],
                    documents=[r.text for r in part],
                    metadatas=[dict(r.metadata) for r in part],
                )

    def delete_document(self, doc_id: str, keep_sha: str | None = None) -> None:
        """Delete a document's records (those of every version but ``keep_sha``, if given), everywhere.

        Chunks go first, then sentences (the reverse of writing): a delete killed half-way leaves no
        chunk whose sentences are gone, and the journal (``<index>.deleting.json``) has the next
        ingest finish it, so no orphaned sentence stays behind.
        """
        journal = self.sidecars.journal()
        journal.begin((doc_id, keep_sha))
        where: dict[str, Any] = {"doc_id": doc_id}
        if keep_sha:
            where = {"$and": [where, {"doc_sha": {"$ne": keep_sha}}]}
        cols = self._refresh()
        for kind in KINDS:  # one after the other: writes stay sequential
            for (k, _), col in sorted(cols.items()):
                if k == kind:
                    col.delete(where=where)
        journal.done((doc_id, keep_sha))
        self._seen_records = False

    def finish_deletes(self) -> None:
        """Redo the deletes a killed ingest left unfinished (they are idempotent)."""
        for doc_id, keep_sha in self.sidecars.journal().pending():
            logger.info("finishing an interrupted delete of %s", doc_id)
            self.delete_document(doc_id, keep_sha)


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
