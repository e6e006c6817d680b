"""Ingest bookkeeping on small made-up folders with the instant hash embedder."""

import logging

import pytest

import rag
from rag.index.store import get_store
from rag.ingestion.pipeline import DocsFolderError

A = (
    "Hanoi signed an agreement with Saint Petersburg on 6 March 2025.\n"
    "The agreement covers trade and science.\n"
)
B = "The interview covers digital transformation. The city received 523,292 procedures.\n"


def _records(settings):
    got = get_store(settings).get_all(include=["metadatas"])
    return sorted(got["ids"])


def test_reingesting_unchanged_documents_writes_nothing(docs, hash_settings):
    (docs / "a.txt").write_text(A)
    (docs / "b.md").write_text(B)
    first = rag.ingest(settings=hash_settings, progress=False)
    assert sorted(first.added) == ["a.txt", "b.md"] and first.chunks_written > 0
    before = _records(hash_settings)
    again = rag.ingest(settings=hash_settings, progress=False)
    assert again.added == [] and again.updated == [] and again.chunks_written == 0
    assert sorted(again.unchanged) == ["a.txt", "b.md"]
    assert _records(hash_settings) == before


def test_an_edited_document_has_its_chunks_replaced(docs, hash_settings):
    (docs / "a.txt").write_text(A)
    rag.ingest(settings=hash_settings, progress=False)
    (docs / "a.txt").write_text("A completely different text about Hue and its citadel.\n")
    report = rag.ingest(settings=hash_settings, progress=False)
    assert report.updated == ["a.txt"]
    texts = get_store(hash_settings).get_all(include=["documents"])["documents"]
    assert not any("Petersburg" in t for t in texts)
    assert any("citadel" in t for t in texts)


def test_a_removed_document_is_deleted_from_the_index(docs, hash_settings):
    (docs / "a.txt").write_text(A)
    (docs / "b.txt").write_text(B)
    rag.ingest(settings=hash_settings, progress=False)
    (docs / "b.txt").unlink()
    report = rag.ingest(settings=hash_settings, progress=False)
    assert report.removed == ["b.txt"]
    assert set(get_store(hash_settings).documents()) == {"a.txt"}


def test_bad_files_are_skipped_with_a_warning_and_the_rest_indexed(docs, hash_settings, caplog):
    (docs / "good.txt").write_text(A)
    (docs / "empty.txt").write_bytes(b"")
    (docs / "latin1.txt").write_bytes("Grüße aus München".encode("latin-1"))
    (docs / "blob.md").write_bytes(b"\x00\x01\x02binary")
    with caplog.at_level(logging.WARNING):
        report = rag.ingest(settings=hash_settings, progress=False)
    assert report.added == ["good.txt"]
    assert set(report.skipped) == {"empty.txt", "latin1.txt", "blob.md"}
    for name in report.skipped:
        assert name in caplog.text


def test_missing_or_empty_docs_folder_names_the_folder(tmp_path, hash_settings):
    missing = hash_settings.model_copy(update={"docs_dir": tmp_path / "nope"})
    with pytest.raises(DocsFolderError, match=r"nope.*does not exist"):
        rag.ingest(settings=missing, progress=False)
    with pytest.raises(DocsFolderError, match=r"has no files"):
        rag.ingest(settings=hash_settings, progress=False)


def test_offsets_of_retrieved_passages_reproduce_the_document(docs, hash_settings):
    (docs / "a.txt").write_text("\r\n  - " + A.replace("\n", "\r\n"))
    rag.ingest(settings=hash_settings, progress=False)
    raw = (docs / "a.txt").read_bytes().decode("utf-8")
    for p in rag.retrieve("Saint Petersburg agreement", k=3, settings=hash_settings):
        assert raw[p.start : p.end] == p.text
    answer = rag.ask("Saint Petersburg agreement", settings=hash_settings)
    assert answer.answered and answer.citations
    for c in answer.citations:
        assert raw[c.start : c.end] == c.quote


def test_changing_chunking_uses_another_collection(docs, hash_settings):
    (docs / "a.txt").write_text(A)
    one = rag.ingest(settings=hash_settings, progress=False)
    two = rag.ingest(settings=hash_settings.model_copy(update={"chunk_max_chars": 40}), progress=False)
    assert one.collection != two.collection and two.added == ["a.txt"]


def test_adding_documents_checks_them_and_never_overwrites(docs, hash_settings, tmp_path):
    (docs / "a.txt").write_text(A)
    rag.ingest(settings=hash_settings, progress=False)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "a.txt").write_text("A different text under a taken name.\n")
    (incoming / "b.md").write_text(B)
    (incoming / "blob.txt").write_bytes(b"\x00\x01binary")
    (incoming / "notes.pdf").write_bytes(b"%PDF-1.7")
    report = rag.add_documents(sorted(incoming.iterdir()), settings=hash_settings)
    assert report.added == ["b.md"]
    assert set(report.refused) == {"a.txt", "blob.txt", "notes.pdf"}
    assert "already in the folder" in report.refused["a.txt"]
    assert (docs / "a.txt").read_text() == A  # untouched
    assert set(get_store(hash_settings).documents()) == {"a.txt", "b.md"}  # and indexed
    again = rag.add_documents([incoming / "b.md"], settings=hash_settings)
    assert again.already_there == ["b.md"] and again.added == []


def test_an_uploaded_name_cannot_climb_out_of_the_docs_folder():
    from rag.ingestion.uploads import safe_name

    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("..\\..\\x.md") == "x.md"
    assert safe_name(".hidden.txt") == "hidden.txt"
    assert safe_name("Hà Nội notes.txt") == "Hà Nội notes.txt"
