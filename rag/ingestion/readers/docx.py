"""DOCX via python-docx (extra ``docx``), after the zip and its XML are checked for bombs.

Paragraphs and table rows (cells joined by " | ") one per line; each heading starts a locator with
its path ("Background > Funding"). A zip that unpacks past the limits, or XML that declares entities
(a "billion laughs" bomb), is refused before python-docx sees it.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from rag.ingestion.readers.base import Limits, Locator, ReaderError, Reading, heading_path, needs_extra

_MAX_PARTS = 5000
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_LEVEL = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


def check_zip(data: bytes, doc_id: str, limits: Limits) -> None:
    """Refuse a zip bomb and XML with a DTD; reads are bounded by the declared sizes (zipfile's own)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ReaderError(f"{doc_id}: not a DOCX (not a zip archive: {exc})") from exc
    with archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        if len(infos) > _MAX_PARTS or total > limits.max_unpacked_bytes:
            raise ReaderError(
                f"{doc_id}: unpacks to {total:,} bytes in {len(infos)} parts, over the limit "
                f"of {limits.max_unpacked_bytes:,} (a zip bomb?)"
            )
        for info in infos:
            if info.file_size > limits.max_bytes:
                raise ReaderError(
                    f"{doc_id}: part {info.filename} unpacks to {info.file_size:,} bytes, over the "
                    f"limit of {limits.max_bytes:,} (a zip bomb?)"
                )
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    head = part.read(min(info.file_size, limits.max_bytes) + 1)
                if _DTD.search(head[:4096]):
                    raise ReaderError(
                        f"{doc_id}: {info.filename} declares a DTD or entities (an XML entity bomb?)"
                    )


def _row(row: Any) -> str:
    cells: list[str] = []
    for cell in row.cells:
        text = " ".join(cell.text.split())
        if not cells or cells[-1] != text:  # a merged cell repeats across the columns it spans
            cells.append(text)
    return " | ".join(c for c in cells if c)


class DocxReader:
    name = "docx"
    version = 1
    suffixes: tuple[str, ...] = (".docx",)
    extra: str | None = "docx"

    def unavailable(self) -> str | None:
        return needs_extra(self, "docx")

    def read(self, data: bytes, doc_id: str, limits: Limits) -> Reading:
        check_zip(data, doc_id, limits)
        import docx

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors on broken parts
            raise ReaderError(f"{doc_id}: not a readable DOCX ({type(exc).__name__}: {exc})") from exc
        lines: list[str] = []
        locators: list[Locator] = []
        path: list[tuple[int, str]] = []
        pos = 0
        for block in document.iter_inner_content():
            if isinstance(block, docx.table.Table):
                text = "\n".join(r for r in (_row(row) for row in block.rows) if r)
            else:
                text = " ".join(block.text.split())
                style = (block.style.name if block.style is not None else "") or ""
                level = 0 if style.lower() == "title" else None
                m = _LEVEL.match(style)
                if m:
                    level = int(m.group(1))
                if level is not None and text:
                    path, label = heading_path(path, level, text)
                    locators.append(Locator(start=pos, label=label))
            if text:
                lines.append(text)
                pos += len(text) + 1
        if not lines:
            raise ReaderError(f"{doc_id}: the DOCX holds no text")
        return Reading(text="\n".join(lines), locators=tuple(locators))
