"""Plain text and Markdown: the text of record is the file as read (UTF-8), byte for byte."""

from __future__ import annotations

import re

from rag.ingestion.readers.base import Limits, Locator, ReaderError, Reading, heading_path

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise ReaderError(f"{name}: the file is empty")
    if b"\x00" in data[:8192]:
        raise ReaderError(f"{name}: looks binary (NUL bytes); only UTF-8 .txt/.md text is indexed")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReaderError(
            f"{name}: not valid UTF-8 (byte {exc.start}); re-save it as UTF-8 to index it"
        ) from exc


class TextReader:
    name = "text"
    version = 1
    suffixes: tuple[str, ...] = (".txt",)
    extra: str | None = None

    def unavailable(self) -> str | None:
        return None

    def read(self, data: bytes, doc_id: str, limits: Limits) -> Reading:
        return Reading(text=decode(data, doc_id))


class MarkdownReader(TextReader):
    """As text; each heading starts a locator naming its path ("Background > Funding")."""

    name = "markdown"
    suffixes: tuple[str, ...] = (".md",)

    def read(self, data: bytes, doc_id: str, limits: Limits) -> Reading:
        text = decode(data, doc_id)
        path: list[tuple[int, str]] = []
        locators = []
        for m in _HEADING.finditer(text):
            level = len(m.group(1))
            path, label = heading_path(path, level, m.group(2).strip())
            locators.append(Locator(start=m.start(), label=label))
        return Reading(text=text, locators=tuple(locators))
