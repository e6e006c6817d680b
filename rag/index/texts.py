"""The text of record of each indexed document, kept beside the index.

Citation offsets point into the text a reader made of a file (``rag.ingestion.readers``), which for
a PDF, DOCX or HTML file is not the file's bytes. It is kept as one JSON file per version, keyed by
the file's sha256 and the reader's name and version (``texts/<sha>.<reader>-v<n>.json``), with its
locators (pages, heading paths); ``texts/<collection>.docs.json`` names the version each document
of an index has. ``rag.document_text`` serves it. Writes are atomic (a temporary file, then
os.replace) and made under the index's writer lock.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.settings import Settings


@dataclass(frozen=True)
class TextRecord:
    text: str
    reader: str
    locators: tuple[tuple[int, int | None, str], ...] = ()  # (start, page, label)
    pages: int | None = None
    ocr: bool = False


def _dir(settings: Settings) -> Path:
    return Path(settings.index_dir) / "texts"


def key(sha256: str, reader: str, version: int) -> str:
    return f"{sha256}.{reader}-v{version}"


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(value, f, ensure_ascii=False)
        os.replace(tmp, path)  # atomic: a reader sees the old or the new file, never half of one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _docs_path(settings: Settings) -> Path:
    return _dir(settings) / f"{settings.collection_name()}.docs.json"


def documents(settings: Settings) -> dict[str, str]:
    """doc_id -> the key of the text of record the index holds for it."""
    found = _read_json(_docs_path(settings))
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def has(settings: Settings, text_key: str) -> bool:
    return (_dir(settings) / f"{text_key}.json").is_file()


def save(settings: Settings, doc_id: str, text_key: str, record: TextRecord) -> None:
    """Keep ``record`` as ``doc_id``'s text of record (its file first, then the map that names it)."""
    path = _dir(settings) / f"{text_key}.json"
    if not path.is_file():
        _write_json(
            path,
            {
                "text": record.text,
                "reader": record.reader,
                "locators": [list(loc) for loc in record.locators],
                "pages": record.pages,
                "ocr": record.ocr,
            },
        )
    docs = documents(settings)
    if docs.get(doc_id) != text_key:
        docs[doc_id] = text_key
        _write_json(_docs_path(settings), docs)


def forget(settings: Settings, doc_ids: list[str]) -> None:
    """Drop removed documents from the map (their text files may serve another copy of the bytes)."""
    docs = documents(settings)
    if any(d in docs for d in doc_ids):
        _write_json(_docs_path(settings), {k: v for k, v in docs.items() if k not in doc_ids})


def load(settings: Settings, doc_id: str) -> TextRecord | None:
    """The text of record of ``doc_id`` as indexed, or None when the index keeps none for it."""
    text_key = documents(settings).get(doc_id)
    found = _read_json(_dir(settings) / f"{text_key}.json") if text_key else None
    if not isinstance(found, dict) or not isinstance(found.get("text"), str):
        return None
    return TextRecord(
        text=found["text"],
        reader=str(found.get("reader", "")),
        locators=tuple(
            (int(s), p if p is None else int(p), str(lab)) for s, p, lab in found.get("locators", [])
        ),
        pages=found.get("pages"),
        ocr=bool(found.get("ocr")),
    )
