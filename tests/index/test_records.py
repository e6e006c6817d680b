"""The one record-id codec: ids built at ingest say their collection and give their sentences' ids."""

from __future__ import annotations

import numpy as np
import pytest

from rag.index.records import (
    CHUNK,
    SENTENCE,
    NewRecord,
    language_key,
    record_id,
    record_location,
    sentence_id,
)


def test_a_record_id_names_its_kind_and_language_and_is_stable():
    chunk = record_id("000_a.txt", "f" * 64, "de", CHUNK, 0, 120)
    sentence = record_id("000_a.txt", "f" * 64, "de", SENTENCE, 40, 80)
    assert record_location(chunk) == (CHUNK, "de")
    assert record_location(sentence) == (SENTENCE, "de")
    assert chunk == record_id("000_a.txt", "f" * 64, "de", CHUNK, 0, 120)  # same span, same id
    assert chunk != record_id("000_a.txt", "e" * 64, "de", CHUNK, 0, 120)  # another version, another id
    assert chunk != record_id("001_b.txt", "f" * 64, "de", CHUNK, 0, 120)  # another document too
    assert chunk.endswith("-de-c0-120") and len(chunk.split("-")) == 5


def test_a_chunks_sentence_id_is_the_id_the_sentence_was_written_with():
    chunk = record_id("doc.md", "0123456789abcdef", "hi", CHUNK, 10, 500)
    assert sentence_id(chunk, 42, 97) == record_id("doc.md", "0123456789abcdef", "hi", SENTENCE, 42, 97)
    assert record_location(sentence_id(chunk, 42, 97)) == (SENTENCE, "hi")


def test_a_language_that_is_no_short_code_is_stored_as_und():
    assert language_key("id") == "id"
    assert language_key("zh-Hans") == "und"
    assert language_key("../x") == "und"
    assert record_location(record_id("d.txt", "ab" * 32, "EN US", CHUNK, 0, 1)) == (CHUNK, "und")


@pytest.mark.parametrize("bad", ["", "abc", "a-b-c-d", "a-b-de-x0-10", "a-b-de-c0-10-extra"])
def test_an_id_of_no_record_of_this_index_is_refused(bad):
    with pytest.raises(KeyError):
        record_location(bad)


def test_a_record_to_write_knows_its_collection_and_gets_its_vector_without_change_in_place():
    rec = NewRecord("i", "text", {"kind": SENTENCE, "language": "el", "doc_id": "a.txt"})
    assert rec.location == (SENTENCE, "el") and rec.vector is None
    vec = np.ones(3, np.float32)
    done = rec.with_vector(vec)
    assert done.vector is vec and rec.vector is None
    assert (done.id, done.text, done.metadata) == (rec.id, rec.text, rec.metadata)
