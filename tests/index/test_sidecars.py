"""The files beside the index: written atomically, read back, the delete journal, the writer lock."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag.index import sidecars
from rag.index.chroma import IndexError_
from rag.index.sidecars import DeleteJournal, LanguageStats, Sidecars, read_json, write_json


def test_a_json_sidecar_is_replaced_whole_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "x.align.json"
    write_json(path, {"a": "Ελληνικά", "n": [1, 2]})
    assert read_json(path) == {"a": "Ελληνικά", "n": [1, 2]}
    assert "Ελληνικά" in path.read_text(encoding="utf-8")  # kept as UTF-8, not escaped
    write_json(path, {"b": 2})
    assert read_json(path) == {"b": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["x.align.json"]


def test_a_write_that_fails_half_way_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "x.stats.json"
    write_json(path, {"old": True})

    def disk_full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(type(path), "write_text", disk_full)
    with pytest.raises(OSError):
        write_json(path, {"new": True})
    monkeypatch.undo()
    assert read_json(path) == {"old": True}


def test_a_missing_sidecar_and_an_unreadable_one_raise_distinct_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_json(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError):
        read_json(tmp_path / "bad.json")


def test_sidecars_are_named_after_the_index_and_removed_together(tmp_path):
    cars = Sidecars(tmp_path / "index", "rag_abc")
    cars.write("stats.json", {"k": 1})
    cars.write("align.json", [])
    other = Sidecars(tmp_path / "index", "rag_other")
    other.write("stats.json", {})
    assert cars.path("stats.json") == tmp_path / "index" / "rag_abc.stats.json"
    assert cars.read("stats.json") == {"k": 1}
    cars.remove_all()
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == ["rag_other.stats.json"]


def test_the_delete_journal_keeps_what_is_unfinished_and_vanishes_when_all_is_done(tmp_path):
    journal = DeleteJournal(tmp_path / "i.deleting.json")
    assert journal.pending() == []
    journal.begin(("a.txt", None))
    journal.begin(("b.txt", "sha-b"))
    journal.begin(("a.txt", None))  # begun twice: listed once
    assert DeleteJournal(journal.path).pending() == [("a.txt", None), ("b.txt", "sha-b")]
    journal.done(("a.txt", None))
    assert json.loads(journal.path.read_text()) == [["b.txt", "sha-b"]]
    journal.done(("b.txt", "sha-b"))
    assert not journal.path.exists()
    journal.path.write_text("garbage")  # a journal cut short reads as nothing to do
    assert journal.pending() == []


def test_language_stats_survive_their_sidecar():
    stats = LanguageStats(
        {"de": np.array([0.5, -1.0], np.float32)}, {"de": np.array([1.0, 0.0], np.float32)}, {"de": 3}, "k1"
    )
    back = LanguageStats.from_json(json.loads(json.dumps(stats.to_json())))
    assert back.chunk_count == {"de": 3} and back.docs_key == "k1"
    assert np.array_equal(back.chunk_mean["de"], stats.chunk_mean["de"])
    assert back.sentence_mean["de"].dtype == np.float32


def test_a_second_writer_is_refused_with_a_message_while_the_lock_is_held(tmp_path):
    cars = Sidecars(tmp_path, "rag_x")
    held = cars.acquire_writer(wait=1)
    try:
        with pytest.raises(IndexError_, match="another process is writing"):
            Sidecars(tmp_path, "rag_x").acquire_writer(wait=0.1)
    finally:
        held.release()
    cars.acquire_writer(wait=0.1).release()  # free again
    assert sidecars.LOCK == "lock" and (tmp_path / "rag_x.lock").exists()
