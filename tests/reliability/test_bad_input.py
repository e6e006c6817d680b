"""Bad documents and folders: a clear message, and nothing else lost."""

from __future__ import annotations

import logging
import os

import pytest

import rag
from rag.index.store import get_store
from rag.ingestion.pipeline import DocsFolderError

GOOD = (
    "Hanoi signed an agreement with Saint Petersburg on 6 March 2025.\n"
    "The agreement covers trade and science.\n"
)


def test_a_symlink_pointing_outside_the_docs_folder_is_not_followed(docs, hash_settings, tmp_path, caplog):
    secret = tmp_path / "secret.txt"
    secret.write_text("The password is hunter2, known only outside the docs folder.\n")
    (docs / "good.txt").write_text(GOOD)
    os.symlink(secret, docs / "link.txt")
    with caplog.at_level(logging.WARNING):
        rag.ingest(settings=hash_settings, progress=False)
    assert set(get_store(hash_settings).documents()) == {"good.txt"}
    assert "symlink" in caplog.text


def test_file_names_with_spaces_non_latin_letters_and_dots_are_indexed_and_cited(docs, hash_settings):
    names = ["with space.txt", "Hà Nội – ghi chú.md", "a..b.txt", "Αθήνα.txt"]
    for n in names:
        (docs / n).write_text(GOOD.replace("Saint Petersburg", n))
    report = rag.ingest(settings=hash_settings, progress=False)
    assert sorted(report.added) == sorted(names)
    for n in names:
        answer = rag.ask(f"agreement with {n}", settings=hash_settings)
        for c in answer.citations:
            assert (docs / c.doc_id).read_text()[c.start : c.end] == c.quote


def test_a_huge_file_is_skipped_with_its_size_and_the_limit(docs, hash_settings):
    (docs / "good.txt").write_text(GOOD)
    with open(docs / "huge.txt", "wb") as f:
        f.truncate(50 * 1024 * 1024)  # 50 MB, sparse
    report = rag.ingest(settings=hash_settings, progress=False)
    assert report.added == ["good.txt"]
    assert "over the limit" in report.skipped["huge.txt"]


def test_duplicate_documents_are_both_indexed_without_clashing(docs, hash_settings):
    (docs / "one.txt").write_text(GOOD)
    (docs / "two.txt").write_text(GOOD)
    rag.ingest(settings=hash_settings, progress=False)
    docs_indexed = get_store(hash_settings).documents()
    assert set(docs_indexed) == {"one.txt", "two.txt"}
    assert docs_indexed["one.txt"]["chunks"] == docs_indexed["two.txt"]["chunks"]


def test_a_folder_of_only_junk_says_so(docs, hash_settings):
    (docs / "empty.txt").write_bytes(b"")
    (docs / "junk.md").write_text("![]() |\nKommentar (0)\n")
    with pytest.raises(DocsFolderError, match=r"nothing in .* could be indexed"):
        rag.ingest(settings=hash_settings, progress=False)


def test_asking_with_no_documents_says_what_to_do(hash_settings):
    with pytest.raises(DocsFolderError, match=r"has no files"):
        rag.ask("What did Hanoi sign?", settings=hash_settings)
