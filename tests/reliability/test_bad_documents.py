"""Bad documents of every format: each ends "indexed" or "skipped with a warning naming the file and the
reason", and the rest of the folder is indexed."""

from __future__ import annotations

import io
import logging
import resource
import sys
import time
import zipfile

import pytest

import rag
from rag.ingestion.readers import pdf
from tests.ingestion import formats

GOOD = "Hanoi und Sankt Petersburg unterzeichneten 2025 ein Abkommen über Handel und Wissenschaft."


def _encrypted_pdf() -> bytes:
    """A PDF under the standard security handler whose user password is not empty."""
    data = formats.simple_pdf([[GOOD]])
    head, _, _ = data.rpartition(b"trailer")
    enc = b"99 0 obj\n<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>\nendobj\n" % (
        b"ab" * 32,
        b"cd" * 32,
    )
    xref_at = head.index(b"xref")
    body = head[:xref_at] + enc
    ident = b"<" + b"0123456789abcdef" * 2 + b">"
    trailer = b"<< /Size 100 /Root 1 0 R /Encrypt 99 0 R /ID [%s %s] >>" % (ident, ident)
    return body + b"trailer\n" + trailer + b"\n%%EOF\n"


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        for n in range(3):  # 3 x 100 MB of zeros, ~300 KB on disk
            z.writestr(f"word/media/blob{n}.bin", b"\0" * 100_000_000)
    return buf.getvalue()


_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)


def _docx_entity_bomb(tmp_path) -> bytes:
    path = formats.docx_file("id", tmp_path / "src.docx")
    src = zipfile.ZipFile(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = _LAUGHS + data.split(b"?>", 1)[1].replace(b"Kerja sama", b"&lol3;", 1)
            out.writestr(info, data)
    return buf.getvalue()


BAD = {
    "truncated.pdf": lambda tmp: formats.simple_pdf([[GOOD]])[:200],
    "encrypted.pdf": lambda tmp: _encrypted_pdf(),
    "text.pdf": lambda tmp: GOOD.encode(),
    "bomb.docx": lambda tmp: _zip_bomb(),
    "laughs.docx": _docx_entity_bomb,
    "laughs.html": lambda tmp: _LAUGHS + b"<html><body><p>&lol3; " + GOOD.encode() + b"</p></body></html>",
}
REASON = {
    "truncated.pdf": "truncated or damaged",
    "encrypted.pdf": "encrypted",
    "text.pdf": "not a PDF",
    "bomb.docx": "zip bomb",
    "laughs.docx": "entity bomb",
    "laughs.html": "entity bomb",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_document_is_skipped_with_its_reason_and_the_rest_is_indexed(
    name, docs, hash_settings, tmp_path, caplog
):
    (docs / "good.txt").write_text(GOOD)
    (docs / name).write_bytes(BAD[name](tmp_path))
    with caplog.at_level(logging.WARNING):
        report = rag.ingest(settings=hash_settings, progress=False)
    assert report.added == ["good.txt"]
    assert REASON[name] in report.skipped[name]
    assert name in caplog.text and REASON[name] in caplog.text


def test_a_pdf_parser_that_hangs_is_stopped_and_the_rest_is_indexed(docs, hash_settings, monkeypatch):
    monkeypatch.setattr(pdf, "WORKER", [sys.executable, "-c", "import time; time.sleep(60)"])
    settings = hash_settings.model_copy(update={"reader_seconds": 1.0})
    (docs / "good.txt").write_text(GOOD)
    (docs / "hangs.pdf").write_bytes(formats.simple_pdf([[GOOD]]))
    t0 = time.perf_counter()
    report = rag.ingest(settings=settings, progress=False)
    assert time.perf_counter() - t0 < 30
    assert report.added == ["good.txt"]
    assert "took over 1 s and was stopped" in report.skipped["hangs.pdf"]


def test_a_500_page_pdf_is_indexed_with_a_page_on_each_citation(docs, hash_settings):
    pages = [
        [
            f"Im Jahr 2025 meldet die Stadt Hanoi den Stand des Projekts Nummer {n}.",
            f"Es kostet {n * 7} Mio. Dong.",
        ]
        for n in range(1, 501)
    ]
    (docs / "long.pdf").write_bytes(formats.simple_pdf(pages))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    report = rag.ingest(settings=hash_settings, progress=False)
    seconds = time.perf_counter() - t0
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    logging.getLogger(__name__).warning(
        "500 pages: %.1f s, parser peak %d MB (before %d)", seconds, worker_kb // 1024, before // 1024
    )
    assert report.files[0]["pages"] == 500
    text = rag.document_text("long.pdf", settings=hash_settings)
    assert "Nummer 500." in text and "\n500\n" not in text  # page numbers left out
    start = text.index("Nummer 321.")
    passages = rag.retrieve("Stand des Projekts Nummer 321", k=5, settings=hash_settings)
    assert passages
    from rag.index import texts

    record = texts.load(hash_settings, "long.pdf")
    assert record is not None and [p for s, p, _ in record.locators if s <= start][-1] == 321
    assert worker_kb < 1024 * 1024  # the parser stayed under 1 GB
