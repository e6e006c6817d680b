"""What the index keeps about where each document's text came from.

The locators of a chunk or sentence (page, heading path) as record metadata, the text of record
of a document (``rag.index.texts``), whether a file needs reading again, and its line in the
ingest report.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from rag.index import texts
from rag.ingestion.documents import Document
from rag.ingestion.readers import Limits, locate, reader_for
from rag.settings import Settings


def reader_limits(settings: Settings) -> Limits:
    return Limits(
        max_bytes=settings.max_file_bytes,
        max_unpacked_bytes=settings.max_unpacked_bytes,
        seconds=settings.reader_seconds,
        memory_mb=settings.reader_memory_mb,
        ocr_langs=settings.ocr_langs,
    )


def start_locator(doc: Document, offset: int) -> dict[str, Any]:
    """Metadata naming where ``offset`` of ``doc`` came from: {"page": 2, "locator": "p. 2"} (none: {})."""
    loc = locate(doc.locators, offset)
    if loc is None:
        return {}
    out: dict[str, Any] = {"locator": loc.label}
    if loc.page is not None:
        out["page"] = loc.page
    return out


def chunk_locators(doc: Document, start: int, end: int) -> dict[str, Any]:
    """The locators in effect in ``[start, end)``, as JSON ``[[offset, page or 0, label], ...]``, plus the
    page and locator of the start; nothing for a document without locators (plain text)."""
    if not doc.locators:
        return {}
    inside = [loc for loc in doc.locators if start < loc.start < end]
    first = locate(doc.locators, start)
    spans = ([first] if first else []) + inside
    return {
        **start_locator(doc, start),
        "locators": json.dumps([[loc.start, loc.page or 0, loc.label] for loc in spans], ensure_ascii=False),
    }


def text_record(doc: Document) -> texts.TextRecord:
    return texts.TextRecord(
        text=doc.text,
        reader=doc.reader,
        locators=tuple((loc.start, loc.page, loc.label) for loc in doc.locators),
        pages=doc.pages,
        ocr=doc.ocr,
    )


def still_indexed(doc_id: str, path: Path, sha256: str, settings: Settings) -> bool:
    """Whether ``path`` holds the bytes indexed as ``sha256`` and the index keeps their text of record as
    read by the reader its suffix has now: then the file need not be read (parsed, OCR'd) again."""
    reader = reader_for(path)
    if reader is None:
        return False
    try:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return False
    return sha == sha256 and texts.documents(settings).get(doc_id) == texts.key(
        sha, reader.name, reader.version
    )


def file_entry(doc_id: str, status: str, record: texts.TextRecord | None) -> dict[str, Any]:
    """The ingest report's line for one file: reader, pages, characters, OCR."""
    entry: dict[str, Any] = {"doc_id": doc_id, "status": status}
    if record is not None:
        entry.update(reader=record.reader, pages=record.pages, chars=len(record.text), ocr=record.ocr)
    return entry


def skipped_entry(doc_id: str, path: Path, reason: str) -> dict[str, Any]:
    reader = reader_for(path)
    return {
        "doc_id": doc_id,
        "status": "skipped",
        "reader": reader.name if reader else None,
        "reason": reason,
    }
