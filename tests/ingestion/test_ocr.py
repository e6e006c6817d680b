"""Scanned PDFs: OCR'd with Tesseract when it is installed, and cited as OCR; otherwise skipped with a
message that says how to turn OCR on."""

from __future__ import annotations

import shutil

import pytest

import rag
from rag.ingestion.readers import ocr
from tests.ingestion import formats

_TOOLS = all(shutil.which(t) for t in ("tesseract", "pdftoppm")) and formats.chromium() is not None


@pytest.fixture
def scan(docs, tmp_path):
    if formats.chromium() is None or shutil.which("pdftoppm") is None:
        pytest.skip("needs chromium and pdftoppm (poppler-utils) to make a scanned PDF")
    printed = formats.print_pdf(formats.interview_page(), tmp_path / "interview.pdf")
    return formats.scanned_pdf(printed, docs / "interview_scan.pdf")


@pytest.mark.skipif(not _TOOLS, reason="needs tesseract (tesseract-ocr, tesseract-ocr-deu) and poppler-utils")
def test_a_scanned_pdf_is_ocrd_and_cited_from_page_one_as_ocr(scan, hash_settings):
    settings = hash_settings.model_copy(update={"ocr_langs": "deu"})
    report = rag.ingest(settings=settings, progress=False)
    assert report.added == ["interview_scan.pdf"]
    assert report.files[0]["ocr"] is True and report.files[0]["pages"] == 1
    text = rag.document_text("interview_scan.pdf", settings=settings)
    assert "8602-QD/TU" in text and "Resolution" in text
    answer = rag.ask("Wann erließ der Ständige Ausschuss den Beschluss Nr. 8602-QD/TU?", settings=settings)
    assert answer.citations
    for c in answer.citations:
        assert c.page == 1 and c.locator == "p. 1 (OCR)"
        assert c.quote == text[c.start : c.end]


def test_without_tesseract_a_scan_is_skipped_saying_how_to_turn_ocr_on(scan, hash_settings, monkeypatch):
    monkeypatch.setattr(ocr.shutil, "which", lambda tool: None)
    (scan.parent / "good.txt").write_text("Hanoi und Sankt Petersburg unterzeichneten 2025 ein Abkommen.")
    report = rag.ingest(settings=hash_settings, progress=False)
    assert report.added == ["good.txt"]
    why = report.skipped["interview_scan.pdf"]
    assert "without a text layer" in why and "apt-get install tesseract-ocr" in why
