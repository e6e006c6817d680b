"""The store keeps one Chroma collection per (kind, language); reads and deletes span them all."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import rag
from rag.index.embedders import get_embedder
from rag.index.records import CHUNK, SENTENCE, record_location
from rag.index.store import Store, get_store, reset_stores

ROOT = Path(__file__).resolve().parents[2]

EN = (
    "The city of Hanoi signed an agreement with Saint Petersburg about trade and science.\n\n"
    "The agreement was signed in March and it covers the exchange of students and of researchers.\n"
)
DE = (
    "Die Stadt Hanoi hat mit Sankt Petersburg ein Abkommen über Handel und Wissenschaft geschlossen.\n\n"
    "Das Abkommen wurde im März unterzeichnet und umfasst den Austausch von Studenten und Forschern.\n"
)
EN_OTHER = "The old citadel of Hue is a monument that many tourists visit in the summer and the winter.\n"


def _by_collection(store: Store) -> dict[tuple[str, str], list[dict]]:
    store.get_all()  # refreshes the list of collections
    return {
        key: col.get(include=["metadatas"])["metadatas"] for key, col in sorted(store._collections.items())
    }


def _doc_ids(store: Store) -> dict[tuple[str, str], set[str]]:
    return {key: {m["doc_id"] for m in metas} for key, metas in _by_collection(store).items()}


def test_each_kind_and_language_has_its_own_collection_and_a_query_reaches_both(docs, hash_settings):
    (docs / "en.txt").write_text(EN)
    (docs / "de.txt").write_text(DE)
    rag.ingest(settings=hash_settings, progress=False)
    store = get_store(hash_settings)
    layout = _by_collection(store)
    assert set(layout) == {(CHUNK, "de"), (CHUNK, "en"), (SENTENCE, "de"), (SENTENCE, "en")}
    for (kind, lang), metas in layout.items():
        assert metas and all(m["kind"] == kind and m["language"] == lang for m in metas)
        assert {m["doc_id"] for m in metas} == {f"{lang}.txt"}
    for i in store.get_all()["ids"]:  # the id says where the record lives
        kind, lang = record_location(i)
        assert i in store._collections[(kind, lang)].get(ids=[i])["ids"]
    assert store.count() == sum(len(m) for m in layout.values())
    assert store.languages() == ["de", "en"]

    # a per-language search is a plain query of one collection
    qvec = get_embedder(hash_settings.embed_model).embed_query_vec("Hanoi Petersburg Abkommen agreement")
    for lang in ("de", "en"):
        hits = store.nearest(qvec, 10, CHUNK, lang)
        assert hits and all(record_location(i) == (CHUNK, lang) for i, _ in hits)
    assert store.nearest(qvec, 10, CHUNK, "fr") == []  # no such collection: nothing, no error
    passages = rag.retrieve("Hanoi Saint Petersburg Sankt agreement Abkommen", k=5, settings=hash_settings)
    found = {p.language for p in passages} | {t.language for p in passages for t in p.translations}
    assert found == {"de", "en"}
    stats = store.stats()
    assert set(stats.chunk_mean) == set(stats.sentence_mean) == {"de", "en"}
    assert set(stats.chunk_count) == {"de", "en"} and min(stats.chunk_count.values()) > 0


def test_deleting_a_document_removes_its_records_from_every_collection(docs, hash_settings):
    (docs / "a.txt").write_text(EN)
    (docs / "b.txt").write_text(DE)
    (docs / "c.txt").write_text(EN_OTHER)
    rag.ingest(settings=hash_settings, progress=False)
    store = get_store(hash_settings)
    assert _doc_ids(store)[(SENTENCE, "en")] == {"a.txt", "c.txt"}

    # a.txt is rewritten in German: its English records go, the German ones come
    (docs / "a.txt").write_text(DE.replace("Hanoi", "Hue"))
    report = rag.ingest(settings=hash_settings, progress=False)
    assert report.updated == ["a.txt"]
    assert _doc_ids(store) == {
        (CHUNK, "de"): {"a.txt", "b.txt"},
        (CHUNK, "en"): {"c.txt"},
        (SENTENCE, "de"): {"a.txt", "b.txt"},
        (SENTENCE, "en"): {"c.txt"},
    }

    (docs / "b.txt").unlink()
    (docs / "c.txt").unlink()
    assert rag.ingest(settings=hash_settings, progress=False).removed == ["b.txt", "c.txt"]
    assert _doc_ids(store) == {
        (CHUNK, "de"): {"a.txt"},
        (CHUNK, "en"): set(),
        (SENTENCE, "de"): {"a.txt"},
        (SENTENCE, "en"): set(),
    }
    assert set(store.stats().chunk_mean) == {"de"}  # an emptied language is no longer searched
    assert rag.ask("Hue Sankt Petersburg Abkommen", settings=hash_settings).answered


def test_a_delete_killed_between_collections_is_finished_by_the_next_ingest(docs, hash_settings, monkeypatch):
    (docs / "a.txt").write_text(EN)
    (docs / "c.txt").write_text(EN_OTHER)
    rag.ingest(settings=hash_settings, progress=False)
    store = get_store(hash_settings)
    (docs / "c.txt").unlink()

    # the process dies after the chunks went, before the sentences did
    real_list = Store._list

    def dying_list(self, client):
        cols = real_list(self, client)
        for (kind, _), col in cols.items():
            if kind == SENTENCE:
                monkeypatch.setattr(col, "delete", _die, raising=False)
        return cols

    monkeypatch.setattr(Store, "_list", dying_list)
    with pytest.raises(Killed):
        rag.ingest(settings=hash_settings, progress=False)
    monkeypatch.undo()
    reset_stores()
    store = get_store(hash_settings)
    assert "c.txt" in _doc_ids(store)[(SENTENCE, "en")]  # orphaned sentences...
    assert "c.txt" not in store.documents()
    rag.ingest(settings=hash_settings, progress=False)
    assert _doc_ids(store)[(SENTENCE, "en")] == {"a.txt"}  # ... gone
    assert not list(Path(hash_settings.index_dir).glob("*.deleting.json"))


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs in the ingest (not even ``except Exception``)."""


def _die(*args, **kwargs):
    raise Killed


def test_answering_from_an_existing_index_never_imports_llama_index(docs, hash_settings):
    (docs / "en.txt").write_text(EN)
    rag.ingest(settings=hash_settings, progress=False)
    code = f"""
        import sys
        import rag
        s = rag.Settings(docs_dir={str(docs)!r}, index_dir={str(hash_settings.index_dir)!r},
                         embed_model="hash:256", min_relevance=0.0)
        assert rag.ask("Hanoi Saint Petersburg agreement", settings=s).answered
        print(sorted({{m.split(".")[0] for m in sys.modules if m.startswith("llama_index")}}))
    """
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "[]"


def test_the_embedder_is_available_to_llama_index():
    from rag.index.embedders import llama_index_embedding

    wrapped = llama_index_embedding("hash:64")
    inner = get_embedder("hash:64")
    assert np.allclose(
        wrapped.get_text_embedding("Hanoi agreement"), inner.embed_passages(["Hanoi agreement"])[0]
    )
    assert np.allclose(wrapped.get_query_embedding("Hanoi"), inner.embed_query_vec("Hanoi"))


def test_records_are_cached_by_id_and_cannot_be_changed_in_place(docs, hash_settings):
    (docs / "en.txt").write_text(EN)
    (docs / "de.txt").write_text(DE)
    rag.ingest(settings=hash_settings, progress=False)
    store = get_store(hash_settings)
    ids = store.get_all()["ids"]
    first = store.records(ids)
    assert set(first) == set(ids)
    cached = store.records(ids[:3])
    assert all(cached[i] is first[i] for i in ids[:3])  # the same objects, from memory
    store.clear_cache()
    again = store.records(ids)
    for i in ids:
        assert again[i].text == first[i].text and again[i].metadata == first[i].metadata
        assert np.array_equal(again[i].vector, first[i].vector)
        assert "_node_content" not in again[i].metadata
        with pytest.raises(ValueError):
            again[i].vector[0] = 1.0
    qvec = get_embedder(hash_settings.embed_model).embed_query_vec("Hanoi agreement")
    for i, _, rec in store.nearest_records(qvec, 5, CHUNK, "en"):
        assert rec is again[i]
