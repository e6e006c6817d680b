"""The readers: text of record, locators, and every file of the folder in the ingest report."""

from __future__ import annotations

import io
import zipfile

import pytest

import rag
from rag.ingestion.readers import reader_for
from rag.ingestion.readers.base import Limits
from rag.ingestion.readers.layout import text_of_record
from tests.ingestion import formats

A = "Hanoi und Sankt Petersburg unterzeichneten 2025 ein Abkommen über Handel und Wissenschaft."


def _page(lines: list[tuple[str, float]], height: float = 792.0) -> dict:
    """A page of lines at these heights (bottom, PDF points) filling the width."""
    return {"height": height, "lines": [[t, 72.0, y, 540.0, y + 10] for t, y in lines]}


def test_every_file_of_the_folder_is_in_the_ingest_report(docs, hash_settings):
    (docs / "a.txt").write_text(A)
    (docs / "notes.xyz").write_text("something")
    (docs / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    report = rag.ingest(settings=hash_settings, progress=False)
    assert report.added == ["a.txt"]
    assert set(report.skipped) == {"notes.xyz", "photo.png"}
    assert "no reader for .xyz" in report.skipped["notes.xyz"]
    assert {f["doc_id"] for f in report.files} == {"a.txt", "notes.xyz", "photo.png"}
    entry = next(f for f in report.files if f["doc_id"] == "a.txt")
    assert entry == {
        "doc_id": "a.txt",
        "status": "added",
        "reader": "text",
        "pages": None,
        "chars": len(A),
        "ocr": False,
    }


def test_text_of_record_of_a_txt_is_the_file_and_is_kept_beside_the_index(docs, hash_settings):
    raw = "\r\n  - " + A + "\r\n"
    (docs / "a.txt").write_bytes(raw.encode())
    rag.ingest(settings=hash_settings, progress=False)
    assert rag.document_text("a.txt", settings=hash_settings) == raw
    (docs / "a.txt").write_text("changed on disk, not yet indexed")
    assert rag.document_text("a.txt", settings=hash_settings) == raw  # the indexed version


def test_pdf_lines_are_joined_into_paragraphs_without_running_headers_footers_or_page_numbers():
    head = ("12/1/26, 8:32 PM Hanoi article", 770.0)
    pages = [
        _page(
            [
                head,
                ("Die Stadt hat ihre Zusammen-", 700),
                ("arbeit mit Forschungs-", 686),
                ("und Beratungs-", 672),
                ("organisationen ausgebaut.", 658),
                ("Der Beschluss Nr. 59-", 620),
                ("NQ/TW gilt weiter", 606),
                ("file:///tmp/de.html 1/2", 20.0),
            ]
        ),
        _page(
            [
                head,
                ("und wurde 2025 umgesetzt.", 700),
                ("Ein neuer Absatz.", 660),
                ("2", 40.0),
                ("file:///tmp/de.html 2/2", 20.0),
            ]
        ),
    ]
    reading = text_of_record(pages)
    assert reading.text.split("\n") == [
        "Die Stadt hat ihre Zusammenarbeit mit Forschungs- und Beratungsorganisationen ausgebaut.",
        "Der Beschluss Nr. 59-NQ/TW gilt weiter und wurde 2025 umgesetzt.",
        "Ein neuer Absatz.",
    ]
    # the paragraph that runs over the page break: page 2 begins at "und wurde"
    p2 = next(loc for loc in reading.locators if loc.page == 2)
    assert reading.text[p2.start :].startswith("und wurde")
    assert reading.locate(0).label == "p. 1" and reading.locate(p2.start).label == "p. 2"


def test_markdown_keeps_its_text_and_names_the_heading_path(docs, hash_settings):
    md = "# Report\n\nIntro line of the report.\n\n## Funding\n\nThe city pays half of it.\n"
    reading = reader_for(docs / "r.md").read(md.encode(), "r.md", Limits())
    assert reading.text == md
    assert reading.locate(md.index("The city")).label == "Report > Funding"


@pytest.mark.skipif(formats.chromium() is None, reason="needs chromium to print a PDF")
def test_a_chromium_pdf_reads_as_the_seed_paragraphs_without_header_or_footer(tmp_path):
    pdf = formats.print_pdf(formats.article_page("de", soft_hyphens=True), tmp_path / "de.pdf")
    reading = reader_for(pdf).read(pdf.read_bytes(), "de.pdf", Limits())
    paras = formats.paragraphs("de")
    got = reading.text.split("\n")
    assert len(got) == len(paras)
    # every paragraph but the one with a URL broken at a hyphen comes back exactly, soft hyphens undone
    assert sum(g == p for g, p in zip(got, paras, strict=True)) >= len(paras) - 1
    assert "file://" not in reading.text and "Hanoi (de)" not in reading.text and "1/2" not in reading.text
    assert reading.pages == 2 and [loc.page for loc in reading.locators] == [1, 2]


def test_docx_paragraphs_and_headings(tmp_path):
    path = formats.docx_file("id", tmp_path / "id.docx")
    reading = reader_for(path).read(path.read_bytes(), "id.docx", Limits())
    paras = formats.paragraphs("id")
    assert reading.text.split("\n") == [paras[0], "Kerja sama", *paras[1:]]
    assert reading.locate(reading.text.index(paras[3])).label.endswith("> Kerja sama")


def test_html_main_text_without_navigation_banner_aside_or_footer(tmp_path):
    page = formats.web_page("el").encode()
    reading = reader_for(tmp_path / "p.html").read(page, "p.html", Limits())
    for para in formats.paragraphs("el"):
        assert para in reading.text
    for junk in formats.NAV_WORDS:
        assert junk not in reading.text


def test_without_its_extra_a_file_is_skipped_with_the_extra_to_install(docs, hash_settings, monkeypatch):
    from rag.ingestion.readers import base

    (docs / "a.txt").write_text(A)
    (docs / "r.pdf").write_bytes(formats.simple_pdf([[A]]))
    real = base.missing_modules
    monkeypatch.setattr(base, "missing_modules", lambda *m: ["pypdfium2"] if "pypdfium2" in m else real(*m))
    report = rag.ingest(settings=hash_settings, progress=False)
    assert report.added == ["a.txt"]
    assert "pip install 'rag-xling[pdf]'" in report.skipped["r.pdf"]


def test_docx_zip_check_reads_nothing_past_the_limits():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<a/>" + b" " * 3_000_000)
    from rag.ingestion.readers.base import ReaderError
    from rag.ingestion.readers.docx import check_zip

    with pytest.raises(ReaderError, match="zip bomb"):
        check_zip(buf.getvalue(), "x.docx", Limits(max_bytes=1_000_000))


def test_uploads_take_the_new_types_checked_by_content(docs, hash_settings, tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    formats.docx_file("id", incoming / "laporan.docx")
    (incoming / "page.html").write_text(formats.web_page("el"), encoding="utf-8")
    (incoming / "fake.pdf").write_text(A)  # a text file named .pdf
    (incoming / "fake.docx").write_text(A)
    (incoming / "notes.xyz").write_text(A)
    report = rag.add_documents(sorted(incoming.iterdir()), settings=hash_settings)
    assert sorted(report.added) == ["laporan.docx", "page.html"]
    assert "checked by content" in report.refused["fake.pdf"]
    assert "checked by content" in report.refused["fake.docx"]
    assert "only .txt" in report.refused["notes.xyz"]
    assert {d.doc_id for d in rag.documents(settings=hash_settings)} == {"laporan.docx", "page.html"}


def test_a_new_reader_version_reads_and_indexes_the_file_again(docs, hash_settings, monkeypatch):
    from rag.ingestion.readers.pdf import PdfReader

    (docs / "r.pdf").write_bytes(formats.simple_pdf([[A], [A.replace("2025", "2026")]]))
    assert rag.ingest(settings=hash_settings, progress=False).added == ["r.pdf"]
    assert rag.ingest(settings=hash_settings, progress=False).unchanged == ["r.pdf"]
    monkeypatch.setattr(PdfReader, "version", PdfReader.version + 1)
    # its offsets may differ from the old reader's: the chunks are made again, not only the text
    assert rag.ingest(settings=hash_settings, progress=False).updated == ["r.pdf"]
