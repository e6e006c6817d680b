"""Side-by-side reads keep their order; the LRU forgets the oldest; records by id come from memory."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from rag.index.cache import LRU, RecordCache, each
from rag.index.records import CHUNK, SENTENCE, record_id


def test_each_keeps_the_order_and_runs_side_by_side_but_inline_inside_a_worker():
    names: list[str] = []

    def work(x: int) -> int:
        names.append(threading.current_thread().name)
        return each(lambda y: y * 10, [x, x + 1])[1]  # inside a worker: inline, no deadlock

    assert each(work, range(6)) == [10, 20, 30, 40, 50, 60]
    assert all(n.startswith("rag-store") for n in names)
    assert each(lambda x: threading.current_thread().name, [1]) == [threading.current_thread().name]


def test_the_lru_forgets_the_least_recently_used():
    lru: LRU[int] = LRU(size=2)
    lru.put_many({"a": 1, "b": 2})
    assert lru.get_many(["a"]) == {"a": 1}  # a is now the most recent
    lru.put_many({"c": 3})
    assert lru.get_many(["a", "b", "c"]) == {"a": 1, "c": 3} and len(lru) == 2


class _Collection:
    """Stands for a Chroma collection: ``get`` by ids, counted."""

    def __init__(self, rows: dict[str, tuple[str, dict, list[float]]]):
        self.rows, self.calls = rows, 0

    def get(self, ids, include):
        self.calls += 1
        found = [i for i in ids if i in self.rows]
        out = {"ids": found}
        if "documents" in include:
            out["documents"] = [self.rows[i][0] for i in found]
        if "metadatas" in include:
            out["metadatas"] = [self.rows[i][1] for i in found]
        if "embeddings" in include:
            out["embeddings"] = np.array([self.rows[i][2] for i in found])
        return out


def test_records_are_read_from_the_collection_their_id_names_then_from_memory():
    de = record_id("a.txt", "1" * 64, "de", CHUNK, 0, 5)
    en = record_id("b.txt", "2" * 64, "en", SENTENCE, 0, 3)
    cols = {
        (CHUNK, "de"): _Collection({de: ("Hallo", {"doc_id": "a.txt"}, [1.0, 0.0])}),
        (SENTENCE, "en"): _Collection({en: ("Hi.", {"doc_id": "b.txt"}, [0.0, 1.0])}),
    }
    cache = RecordCache(lambda kind, lang: cols.get((kind, lang)))
    got = cache.records([de, en])
    assert got[de].text == "Hallo" and got[en].metadata == {"doc_id": "b.txt"}
    assert np.array_equal(got[en].vector, [0.0, 1.0]) and got[en].vector.dtype == np.float32
    with pytest.raises(ValueError):
        got[de].vector[0] = 2.0  # shared between questions: read-only
    assert cache.records([de])[de] is got[de]
    assert [c.calls for c in cols.values()] == [1, 1]  # the second read came from memory
    assert np.array_equal(cache.embeddings([de])[de], [1.0, 0.0])
    missing = record_id("c.txt", "3" * 64, "fr", CHUNK, 0, 1)
    assert cache.records([missing]) == {}  # no such collection: nothing, no error
    cache.clear()
    cache.records([de])
    assert cols[(CHUNK, "de")].calls == 3  # embeddings, then the read after clearing
