"""Issue 17's done-means: the Hanoi article as a Chromium PDF with running header and footer (German),
as DOCX (Indonesian), as a web page with navigation (Greek) and as a PDF (Hindi) answers "What did
Hanoi sign with St Petersburg?" with the four versions cited in one group, each PDF citation on the
page where pdftotext finds its quote."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

import rag
from rag.settings import Settings
from tests.ingestion import formats

pytestmark = [
    pytest.mark.seeds,
    pytest.mark.skipif(
        formats.chromium() is None or shutil.which("pdftotext") is None,
        reason="needs chromium (to print the PDFs) and pdftotext (poppler-utils, to check the pages)",
    ),
]


def _norm(text: str) -> str:
    """Without whitespace and hyphens: line ends, soft hyphens (pdftotext keeps U+00AD, Chromium prints
    U+2010 where one breaks a line) and hyphens at line ends do not count."""
    return re.sub(r"[\s\-\u2010\u00ad]+", "", text)


def _pdftotext_page(path, page: int) -> str:
    out = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


@pytest.fixture(scope="module")
def formats_settings(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("formats")
    docs = formats.done_means_folder(root / "docs")
    settings = Settings(docs_dir=docs, index_dir=root / "index")
    rag.ingest(settings=settings, progress=False)
    return settings


def test_four_formats_answer_together_with_pages_and_verbatim_quotes(formats_settings):
    answer = rag.ask("What did Hanoi sign with St Petersburg?", settings=formats_settings)
    assert answer.answered
    cited = {c.doc_id: c for c in answer.citations}
    assert set(cited) == {"000_report_de.pdf", "001_laporan_id.docx", "002_page_el.html", "003_report_hi.pdf"}
    groups = {c.group for c in answer.citations}
    assert len(groups) == 1 and None not in groups
    for c in answer.citations:
        assert c.quote == rag.document_text(c.doc_id, settings=formats_settings)[c.start : c.end]
        for junk in [*formats.NAV_WORDS, "file://", "Hanoi (de)", "Hanoi (hi)", "PM"]:
            assert junk not in c.quote
        if c.doc_id.endswith(".pdf"):
            assert c.page is not None and c.locator == f"p. {c.page}"
            path = formats_settings.docs_dir / c.doc_id
            page = _norm(_pdftotext_page(path, c.page))
            # the quote starts on its page, and runs on to the next one at most
            assert _norm(c.quote)[:50] in page
            assert _norm(c.quote) in page + _norm(_pdftotext_page(path, c.page + 1) if c.page < 2 else "")
    assert "Petersburg" in cited["000_report_de.pdf"].quote


def test_translation_disagreements_are_flagged_across_formats(formats_settings):
    answer = rag.ask("Hanoi is to become the innovation centre of which region?", settings=formats_settings)
    assert {c.doc_id for c in answer.citations} >= {"000_report_de.pdf", "001_laporan_id.docx"}
    flagged = [d for d in answer.disagreements if d.values.get("000_report_de.pdf") == "Nordchina"]
    assert flagged and set(flagged[0].values) >= {
        "001_laporan_id.docx",
        "002_page_el.html",
        "003_report_hi.pdf",
    }
    de = next(c for c in answer.citations if c.doc_id == "000_report_de.pdf")
    assert de.page is not None and "Nordchina" in de.quote
    assert _norm(de.quote)[:50] in _norm(_pdftotext_page(formats_settings.docs_dir / de.doc_id, de.page))
