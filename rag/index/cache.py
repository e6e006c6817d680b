"""Reading the index side by side and remembering what was read: a small thread pool, an LRU map,
and the store's records and vectors by id (read from their collections side by side, kept in memory).

May import: numpy, ``rag.index.records``, ``rag.index.chroma``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, Generic, TypeVar

import numpy as np

from rag.index.chroma import frozen, records_of, vectors_of
from rag.index.records import Record, record_location

_T = TypeVar("_T")
_R = TypeVar("_R")
_V = TypeVar("_V")

_POOL_NAME = "rag-store"

# Records (and sentence vectors) kept in memory per store: ~2 KB each, so at most ~80 MB in all.
RECORD_CACHE = 20_000


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


class LRU(Generic[_V]):
    """A small thread-safe least-recently-used map."""

    def __init__(self, size: int = RECORD_CACHE) -> None:
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

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)


class RecordCache:
    """Records and vectors by id, read from their collections side by side and kept across questions.

    An id names one version of one span of one document (``records.record_id``), so what it holds
    never changes: a new version has new ids.
    """

    def __init__(self, collection: Callable[[str, str], Any]) -> None:
        self._collection = collection  # (kind, language) -> the Chroma collection, or None
        self._records: LRU[Record] = LRU()
        self._vectors: LRU[np.ndarray] = LRU()

    def _get(self, ids: list[str], include: list[str]) -> list[dict[str, Any]]:
        """Chroma ``get`` results for ``ids``, one per collection they live in (read side by side)."""
        groups: dict[tuple[str, str], list[str]] = {}
        for i in ids:
            groups.setdefault(record_location(i), []).append(i)

        def one(item: tuple[tuple[str, str], list[str]]) -> dict[str, Any]:
            col = self._collection(*item[0])
            if col is None:
                return {"ids": [], **{f: [] for f in include}}
            return dict(col.get(ids=item[1], include=include))

        return each(one, groups.items())

    def embeddings(self, ids: list[str]) -> dict[str, np.ndarray]:
        out = self._vectors.get_many(ids)
        for got in self._get([i for i in ids if i not in out], ["embeddings"]):
            embs = vectors_of(got)
            fetched = {i: frozen(embs[n]) for n, i in enumerate(got["ids"])}
            self._vectors.put_many(fetched)
            out.update(fetched)
        return out

    def records(self, ids: list[str]) -> dict[str, Record]:
        out = self._records.get_many(ids)
        for got in self._get([i for i in ids if i not in out], ["metadatas", "documents", "embeddings"]):
            fetched = records_of(got)
            self._records.put_many(fetched)
            out.update(fetched)
        return out

    def clear(self) -> None:
        self._records = LRU()
        self._vectors = LRU()
