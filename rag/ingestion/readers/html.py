"""HTML: the main text of the page by trafilatura (extra ``html``), without navigation, banners, asides,
scripts and footers (measured against readability-lxml: NOTES.md). Headings start locators with their
path; table rows are kept as rows (cells joined by " | "). A page that declares XML entities is
refused (an entity bomb), as is one with no main text."""

from __future__ import annotations

import re

from rag.ingestion.readers.base import Limits, Locator, ReaderError, Reading, heading_path, needs_extra
from rag.ingestion.readers.text import decode

_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)


def _decode(data: bytes, doc_id: str) -> str:
    m = _CHARSET.search(data[:4096])
    if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
        try:
            return data.decode(m.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, doc_id)


class HtmlReader:
    name = "html"
    version = 1
    suffixes: tuple[str, ...] = (".html", ".htm", ".xhtml")
    extra: str | None = "html"

    def unavailable(self) -> str | None:
        return needs_extra(self, "trafilatura", "lxml", "lxml_html_clean")

    def read(self, data: bytes, doc_id: str, limits: Limits) -> Reading:
        page = _decode(data, doc_id)
        if _ENTITY.search(page):
            raise ReaderError(f"{doc_id}: the page declares XML entities (an entity bomb?)")
        import trafilatura
        from lxml import etree

        xml = trafilatura.extract(
            page, output_format="xml", include_tables=True, include_comments=False, favor_precision=True
        )
        if not xml:
            raise ReaderError(f"{doc_id}: no main text found in the page")
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
        lines: list[str] = []
        locators: list[Locator] = []
        path: list[tuple[int, str]] = []
        pos = 0
        for el in root.iter("head", "p", "item", "row", "quote", "code"):
            if el.tag in ("p", "item") and any(a.tag in ("row", "item") for a in el.iterancestors()):
                continue  # its text is in its row or item
            if el.tag == "row":
                text = " | ".join(" ".join("".join(c.itertext()).split()) for c in el.iter("cell"))
            else:
                text = " ".join("".join(el.itertext()).split())
            if not text:
                continue
            if el.tag == "head":
                rend = str(el.get("rend") or "h2")
                level = int(rend[1]) if rend[1:2].isdigit() else 2
                path, label = heading_path(path, level, text)
                locators.append(Locator(start=pos, label=label))
            lines.append(text)
            pos += len(text) + 1
        if not lines:
            raise ReaderError(f"{doc_id}: no main text found in the page")
        return Reading(text="\n".join(lines), locators=tuple(locators))
