"""Read documents from the docs folder and find their clean text.

A document keeps its text of record (``readers``: a .txt or .md file exactly as read, UTF-8 decoded,
newlines kept; the extracted paragraphs of a PDF, DOCX or HTML file), because citations are
offsets into it. Cleaning does not rewrite that text: it finds the *segments* (trimmed lines) that
are real prose, and leaves out layout junk such as image stubs, comment counters and source lines.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingestion.readers import Limits, Locator, ReaderError, reader_for
from rag.ingestion.readers import decode as decode

# language detection lives in rag/text/langid.py; re-exported here for the modules that import it from here
from rag.text.langid import detect_language
from rag.text.langid import preload_language_model as preload_language_model

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md")

# A line that is only an image stub, e.g. "![]() |" or "![alt](http://x/y.png)".
_IMAGE_STUB = re.compile(r"^[\s|]*(!\[[^\]]*\]\([^)]*\)[\s|]*)+$")
# "Kommentar (0)", "Comments (12)", "Σχόλια (0)": a word or two and a counter.
# A word is letters and marks: Devanagari vowel signs are not \w ("टिप्पणी (0)").
_COUNTER = re.compile(r"^\W*[^\s\d()]+(\s+[^\s\d()]+)?\s*\(\d+\)\W*$")
# "Quelle: https://...", "Sumber: https://...", a bare URL: no prose, only where it came from.
_SOURCE = re.compile(r"^\W*(\S+\s+){0,2}?\S*:?\s*(https?://|www\.)\S+\s*$")
# Markdown or table decoration alone on a line.
_DECORATION = re.compile(r"^[\s|#*_=~`>-]*$")
# Leading bullets and trailing table pipes around prose.
_LEAD = re.compile(r"^[\s\-–—•*>#|]+")
_TRAIL = re.compile(r"[\s|]+$")


# A file that cannot be indexed (empty, binary, not UTF-8, too large, broken, no reader)
DocumentError = ReaderError


@dataclass(frozen=True)
class Document:
    doc_id: str
    path: Path
    text: str
    sha256: str
    language: str
    # (start, end) offsets of the prose lines, trimmed of bullets and pipes
    segments: tuple[tuple[int, int], ...] = field(default=())
    # which segments follow junk that was left out (they must not be merged across it)
    after_junk: frozenset[int] = field(default=frozenset())
    # who made the text of record, and where its parts came from (pages, headings)
    reader: str = "text"
    reader_version: int = 1
    locators: tuple[Locator, ...] = ()
    pages: int | None = None
    ocr: bool = False

    @property
    def clean_chars(self) -> int:
        return sum(e - s for s, e in self.segments)


def is_junk_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return True
    return bool(
        _IMAGE_STUB.match(stripped)
        or _COUNTER.match(stripped)
        or _SOURCE.match(stripped)
        or _DECORATION.match(stripped)
    )


def find_segments(text: str) -> tuple[list[tuple[int, int]], set[int]]:
    """Offsets of the prose lines of ``text`` and the indexes of those that follow dropped junk."""
    segments: list[tuple[int, int]] = []
    after_junk: set[int] = set()
    junk_since_last = False
    pos = 0
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        body = text[start:end]
        if is_junk_line(body):
            junk_since_last = junk_since_last or bool(body.strip())
            continue
        lead = _LEAD.match(body)
        s = start + (lead.end() if lead else 0)
        trail = _TRAIL.search(text, s, end)
        e = trail.start() if trail else end
        if e <= s:
            continue
        if junk_since_last:
            after_junk.add(len(segments))
        segments.append((s, e))
        junk_since_last = False
    return segments, after_junk


def load_document(path: Path, doc_id: str, max_bytes: int, limits: Limits | None = None) -> Document:
    """Read and clean one file. Raises DocumentError with a message naming the file."""
    reader = reader_for(path)
    if reader is None:
        raise DocumentError(f"{doc_id}: no reader for {path.suffix or 'files without a suffix'}")
    missing = reader.unavailable()
    if missing:
        raise DocumentError(f"{doc_id}: {missing}")
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentError(
            f"{doc_id}: {size:,} bytes is over the limit of {max_bytes:,} (RAG_MAX_FILE_BYTES)"
        )
    data = path.read_bytes()
    reading = reader.read(data, doc_id, limits or Limits(max_bytes=max_bytes))
    text = reading.text
    segments, after_junk = find_segments(text)
    if not segments:
        raise DocumentError(f"{doc_id}: no prose found (only layout junk or blank lines)")
    prose = " ".join(text[s:e] for s, e in segments)
    return Document(
        doc_id=doc_id,
        path=path,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        language=detect_language(prose),
        segments=tuple(segments),
        after_junk=frozenset(after_junk),
        reader=reader.name,
        reader_version=reader.version,
        locators=reading.locators,
        pages=reading.pages,
        ocr=reading.ocr,
    )


def list_files(docs_dir: Path) -> Iterator[tuple[str, Path]]:
    """(doc_id, path) of every .txt/.md file (what the evaluation's baselines read as text)."""
    for doc_id, path in list_folder(docs_dir):
        if path.suffix.lower() in SUPPORTED_SUFFIXES:
            yield doc_id, path


def list_folder(docs_dir: Path) -> Iterator[tuple[str, Path]]:
    """(doc_id, path) of every file not hidden, whatever its suffix (``load_document`` says whether it
    can be read, and ingest reports each one it cannot); the id is the path relative to the folder."""
    for path in sorted(docs_dir.rglob("*")):
        if not path.is_file():
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(docs_dir.resolve()):
            logger.warning("%s: symlink to outside the docs folder, not followed", path.name)
            continue
        rel = path.relative_to(docs_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        yield rel.as_posix(), path
