"""The text of record of a paged document: lines into paragraphs, running headers and footers out.

Input: per page, its lines with their boxes (``pdf_worker``). Output: one paragraph per line of
text, hyphens at line ends undone, lines repeated in the top or bottom band of most pages (dates,
titles, URLs, "2/7") and page numbers left out, and a locator at each offset where a page begins.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from rag.ingestion.readers.base import Locator, Reading

# "3", "- 3 -", "Page 3", "Seite 3 von 7", "3/7", "p. 3"
_PAGE_NUMBER = re.compile(
    r"^\W*((page|seite|σελίδα|halaman|trang|पृष्ठ|p\.?|s\.?)\s*)?\d{1,4}(\s*(/|of|von|από|dari|का)\s*\d{1,4})?\W*$",
    re.IGNORECASE,
)
_BAND = 0.1  # the top and bottom tenth of a page hold running headers and footers
_SENTENCE_END = tuple(".!?…।॥;:。！？\"'”’»)")
# after a hyphen at a line end, these words mean the hyphen is a real one: "Forschungs- und Lehr..."
_CONJUNCTIONS = frozenset(
    ["und", "oder", "bzw", "sowie", "bis", "and", "or", "nor", "και", "ή", "dan", "atau", "và", "hoặc"]
)
_SOFT_HYPHEN = ("\u00ad",)
# a hyphen, and U+2010, which Chromium prints for a soft hyphen where it breaks a line
_HYPHENS = ("-", "\u2010")


@dataclass(frozen=True)
class Line:
    text: str
    left: float
    bottom: float
    right: float
    top: float


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()


def _in_band(line: Line, height: float) -> bool:
    return line.top >= height * (1 - _BAND) or line.bottom <= height * _BAND


def body_lines(pages: list[dict[str, Any]]) -> list[list[Line]]:
    """Each page's lines without running headers, footers and page numbers."""
    parsed = [
        [Line(str(t), float(a), float(b), float(c), float(d)) for t, a, b, c, d in p["lines"]] for p in pages
    ]
    heights = [float(p.get("height") or 792.0) for p in pages]
    seen: Counter[str] = Counter()
    for lines, h in zip(parsed, heights, strict=True):
        seen.update({_shape(ln.text) for ln in lines if _in_band(ln, h)})
    need = max(2, round(0.6 * len(pages)))
    out = []
    for lines, h in zip(parsed, heights, strict=True):
        kept = []
        for ln in lines:
            band = _in_band(ln, h)
            if band and (seen[_shape(ln.text)] >= need or _PAGE_NUMBER.match(ln.text)):
                continue
            if band and ("://" in ln.text or re.search(r"\s\d+/\d+$", ln.text)):
                continue  # a browser's URL and "1/2" footer (on a one-page print it repeats nowhere)
            kept.append(ln)
        out.append(kept)
    return out


def _breaks_paragraph(prev: Line, line: Line, pitch: float, width: float) -> bool:
    if prev.bottom - line.bottom > 1.4 * pitch or line.bottom > prev.top:  # a gap, or a new column
        return True
    short = prev.right < width * 0.85
    return short and prev.text.endswith(_SENTENCE_END)


def _join(paragraph: str, line: str) -> str:
    if not paragraph:
        return line
    if paragraph.endswith(_SOFT_HYPHEN):
        return paragraph[:-1] + line
    if paragraph.endswith(_HYPHENS) and len(paragraph) > 1 and not paragraph[-2].isspace():
        word = line.split(" ", 1)[0].rstrip(".,;")
        if not line[:1].islower():
            return paragraph + line  # "59-" + "NQ/TW", "Nord-" + "Korea"
        if word.lower() in _CONJUNCTIONS:
            return f"{paragraph} {line}"  # "Forschungs-" + "und Lehrkräfte"
        if paragraph[-2].isalpha():
            return paragraph[:-1] + line  # "Zusammen-" + "arbeit"
    return f"{paragraph} {line}"


def text_of_record(pages: list[dict[str, Any]], ocr: bool = False) -> Reading:
    """The paragraphs of ``pages`` one per line, and a page locator at the start of each page's text."""
    suffix = " (OCR)" if ocr else ""
    paragraphs: list[str] = []
    # (paragraph index, offset in it) where each page begins
    marks: list[tuple[int, int, int]] = []
    current = ""
    body = body_lines(pages)
    # the line pitch of the whole document: a page of two lines has too few to tell a gap from a line
    pitches = [
        a.bottom - b.bottom for lines in body for a, b in itertools.pairwise(lines) if a.bottom > b.bottom
    ]
    pitch = statistics.median(pitches) if pitches else 14.0
    for number, lines in enumerate(body, start=1):
        if not lines:
            continue
        width = max(ln.right for ln in lines)
        # a paragraph runs on from the page before when that page did not end a sentence
        if current and current.endswith(_SENTENCE_END):
            paragraphs.append(current)
            current = ""
        marks.append((len(paragraphs), len(current) + (1 if current else 0), number))
        prev: Line | None = None
        for ln in lines:
            if prev is not None and _breaks_paragraph(prev, ln, pitch, width):
                paragraphs.append(current)
                current = ""
            current = _join(current, ln.text)
            prev = ln
    if current:
        paragraphs.append(current)
    starts, pos = [], 0
    for p in paragraphs:
        starts.append(pos)
        pos += len(p) + 1
    locators = tuple(
        Locator(start=starts[i] + off if i < len(starts) else pos, page=n, label=f"p. {n}{suffix}")
        for i, off, n in marks
    )
    return Reading(text="\n".join(paragraphs), locators=locators, pages=len(pages), ocr=ocr)
