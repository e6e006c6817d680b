"""Readers: one per format, behind one protocol (``base.Reader``): file bytes -> text of record + locators.

``reader_for(path)`` picks the reader by suffix; ``READERS`` lists them. Heavy readers need an
optional extra (``pip install 'rag-xling[pdf]'``, ``[docx]``, ``[html]``); without it,
``unavailable()`` says which to install. May import rag.text only.
"""

from __future__ import annotations

from pathlib import Path

from rag.ingestion.readers.base import Limits, Locator, Reader, ReaderError, Reading, locate
from rag.ingestion.readers.docx import DocxReader
from rag.ingestion.readers.html import HtmlReader
from rag.ingestion.readers.pdf import PdfReader
from rag.ingestion.readers.text import MarkdownReader, TextReader, decode

_ALL: list[Reader] = [TextReader(), MarkdownReader(), PdfReader(), DocxReader(), HtmlReader()]
READERS = tuple(_ALL)
_BY_SUFFIX = {suffix: r for r in READERS for suffix in r.suffixes}
SUFFIXES = tuple(_BY_SUFFIX)


def reader_for(path: Path) -> Reader | None:
    """The reader of ``path``'s suffix, or None when no reader takes it."""
    return _BY_SUFFIX.get(path.suffix.lower())


__all__ = [
    "READERS",
    "SUFFIXES",
    "Limits",
    "Locator",
    "Reader",
    "ReaderError",
    "Reading",
    "decode",
    "locate",
    "reader_for",
]
