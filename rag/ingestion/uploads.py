"""Adding files to the docs folder: checked, never overwriting or deleting anything silently."""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingestion.documents import DocumentError
from rag.ingestion.readers import SUFFIXES, reader_for
from rag.ingestion.sources import reader_limits
from rag.settings import Settings

logger = logging.getLogger(__name__)

_SAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


@dataclass
class AddReport:
    added: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # file name -> why


def safe_name(name: str) -> str:
    """A plain file name: no folders, no "..", no leading dot, no odd characters."""
    base = Path(name.replace("\\", "/")).name
    base = _SAFE_NAME.sub("_", base).strip(" .")
    return base


def _looks_like(suffix: str, data: bytes) -> bool:
    """Whether the bytes are of the type the suffix says (checked by content, not by the name)."""
    if suffix == ".pdf":
        return data.lstrip()[:5] == b"%PDF-"
    if suffix == ".docx":
        return data[:4] == b"PK\x03\x04" and b"word/" in data
    if suffix in (".html", ".htm", ".xhtml"):
        head = data[:4096].lower()
        return any(tag in head for tag in (b"<html", b"<!doctype html", b"<body", b"<p>", b"<article"))
    return True  # text: decoding it is the check


def check_upload(name: str, data: bytes, settings: Settings) -> None:
    """Refuse a file with no reader, of another type than its suffix says, or that its reader cannot read."""
    suffix = Path(name).suffix.lower()
    reader = reader_for(Path(name))
    if reader is None:
        raise DocumentError(f"{name}: only {', '.join(SUFFIXES)} files can be added")
    missing = reader.unavailable()
    if missing:
        raise DocumentError(f"{name}: {missing}")
    if not _looks_like(suffix, data):
        raise DocumentError(
            f"{name}: the content is not {suffix[1:].upper()} (checked by content, not by name)"
        )
    reader.read(data, name, reader_limits(settings))  # empty, broken, a bomb: refused with the reason


def add_documents(files: list[Path], settings: Settings) -> AddReport:
    """Copy ``files`` into the docs folder after checking them; call ingest afterwards.

    A file whose name is taken by a different file is refused (rename it and try again); the same
    file again is reported as already there.
    """
    report = AddReport()
    docs = Path(settings.docs_dir)
    docs.mkdir(parents=True, exist_ok=True)
    for src in files:
        name = safe_name(src.name)
        try:
            if not name:
                raise DocumentError(f"{src.name}: not a usable file name")
            size = src.stat().st_size
            if size > settings.max_file_bytes:
                raise DocumentError(
                    f"{src.name}: {size:,} bytes is over the limit of {settings.max_file_bytes:,}"
                )
            data = src.read_bytes()
            check_upload(name, data, settings)
        except (DocumentError, OSError) as exc:
            report.refused[src.name] = str(exc)
            continue
        target = docs / name
        if target.exists():
            if hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(data).digest():
                report.already_there.append(name)
            else:
                report.refused[src.name] = (
                    f"{name}: a different document with this name is already in the folder; "
                    "rename the file to add it"
                )
            continue
        tmp = target.with_name(f".{name}.part")
        shutil.copyfile(src, tmp)
        tmp.replace(target)
        report.added.append(name)
        logger.info("added %s to %s", name, docs)
    return report
