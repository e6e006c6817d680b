"""The alignment is kept beside the index by name: read once per store, saved atomically."""

from __future__ import annotations

import logging

import numpy as np

from rag.index.records import DocSentences
from rag.index.store import Store, get_store, reset_stores
from rag.translations import align
from rag.translations.groups import Finding
from rag.translations.sidecar import NAME, alignment, save_alignment


def _docs() -> dict[str, DocSentences]:
    rng = np.random.default_rng(3)
    vecs = rng.normal(size=(6, 16)).astype(np.float32)
    noisy = vecs + rng.normal(scale=0.05, size=vecs.shape).astype(np.float32)
    spans = [(i * 10, i * 10 + 9) for i in range(6)]
    return {
        d: DocSentences(d, "sha-" + d, lang, spans, [f"{d}-c"] * 6, v, [f"{d} {i}" for i in range(6)])
        for d, lang, v in (("a.txt", "en", vecs), ("b.txt", "de", noisy))
    }


def test_no_saved_alignment_reads_as_empty_and_is_read_once_per_store(hash_settings):
    store = get_store(hash_settings)
    first = alignment(store)
    assert first.pairs == {} and first.groups == {}
    assert alignment(store) is first
    assert alignment(Store(hash_settings)) is not first  # another store reads for itself


def test_a_saved_alignment_is_what_the_next_process_reads(hash_settings):
    found, fresh = align.update(align.Alignment({}, {}), _docs())
    assert fresh == 1 and align.pairs_of(found) == [("a.txt", "b.txt")]
    found.differences = {"g1": [Finding("number", {"a.txt": "12", "b.txt": "14"})]}
    store = get_store(hash_settings)
    save_alignment(store, found)
    assert alignment(store) is found
    saved = store.read_sidecar(NAME)
    assert saved["pairs"] == found.to_json()["pairs"] and saved["findings"] == found.to_json()["findings"]
    reset_stores()  # as a new process would
    again = alignment(get_store(hash_settings))
    assert again is not found and again.to_json() == align.Alignment.from_json(found.to_json()).to_json()
    assert again.groups == found.groups and again.findings("g1") == found.differences["g1"]
    assert not list(store.sidecars.folder.glob("*.tmp"))


def test_an_unreadable_alignment_reads_as_empty_with_a_warning(hash_settings, caplog):
    store = get_store(hash_settings)
    store.sidecars.path(NAME).write_text('{"version": 1, "pairs": [', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        got = alignment(store)
    assert got.pairs == {} and "translations are not grouped until ingest" in caplog.text
    store.write_sidecar(NAME, {"version": 999, "documents": {}, "pairs": []})  # another version
    reset_stores()
    assert alignment(get_store(hash_settings)).pairs == {}
