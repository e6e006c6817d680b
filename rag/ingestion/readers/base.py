"""The reader protocol: file bytes -> the text of record plus where each part of it came from.

A reader turns one file into a ``Reading``: the text that citations are offsets into (the text of
record, kept beside the index) and a map from offsets to locators (the page of a PDF, the heading
path of a DOCX, HTML or Markdown file). Readers of heavy formats need an optional extra; without it
the file is skipped with a message that names the extra to install.
"""

from __future__ import annotations

import bisect
import importlib.util
from dataclasses import dataclass
from typing import Protocol


class ReaderError(ValueError):
    """A file this reader cannot turn into text (broken, encrypted, a bomb, too slow)."""


@dataclass(frozen=True)
class Locator:
    """From offset ``start`` on (until the next locator), the text came from here."""

    start: int
    page: int | None = None  # 1-based PDF page
    label: str = ""  # "p. 2", "p. 1 (OCR)", "Background > Funding"


@dataclass(frozen=True)
class Reading:
    text: str
    locators: tuple[Locator, ...] = ()  # sorted by start
    pages: int | None = None
    ocr: bool = False

    def locate(self, offset: int) -> Locator | None:
        """The locator in effect at ``offset`` (None when the reader keeps none)."""
        return locate(self.locators, offset)


def locate(locators: tuple[Locator, ...] | list[Locator], offset: int) -> Locator | None:
    starts = [loc.start for loc in locators]
    i = bisect.bisect_right(starts, offset) - 1
    return locators[i] if i >= 0 else None


class Reader(Protocol):
    name: str
    version: int
    suffixes: tuple[str, ...]
    extra: str | None  # the pip extra it needs ("pdf"), None for none

    def unavailable(self) -> str | None:
        """Why this reader cannot run here (its extra is not installed), or None."""
        ...

    def read(self, data: bytes, doc_id: str, limits: Limits) -> Reading: ...


@dataclass(frozen=True)
class Limits:
    """What a reader may spend on one file."""

    max_bytes: int = 20_000_000  # the file, and each part of a zip (DOCX) once unpacked
    max_unpacked_bytes: int = 200_000_000  # all the parts of a zip together
    seconds: float = 120.0  # a parser that takes longer is stopped (PDF: in a subprocess)
    memory_mb: int = 2048  # the PDF parser's address space
    ocr_langs: str | None = None  # Tesseract languages ("deu+ell"), None = all installed


def heading_path(path: list[tuple[int, str]], level: int, heading: str) -> tuple[list[tuple[int, str]], str]:
    """The heading path after a heading of ``level``, and its label ("Background > Funding"); a long
    heading (a title that is a sentence) is cut to its first words."""
    short = heading if len(heading) <= 40 else heading[:40].rsplit(" ", 1)[0] + "…"
    path = [(lv, t) for lv, t in path if lv < level] + [(level, short)]
    return path, " > ".join(t for _, t in path)


def missing_modules(*modules: str) -> list[str]:
    return [m for m in modules if importlib.util.find_spec(m) is None]


def needs_extra(reader: Reader, *modules: str) -> str | None:
    """The message for a reader whose extra is not installed, or None when it is."""
    missing = missing_modules(*modules)
    if not missing:
        return None
    return (
        f"the {reader.name.upper()} reader needs {', '.join(missing)}: "
        f"pip install 'rag-xling[{reader.extra}]' to index {'/'.join(reader.suffixes)} files"
    )
