"""What both baselines share: the docs folder as text, lines, sentences, tokens, follow-up queries."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.ingestion.documents import detect_language, list_files
from rag.settings import get_settings

logger = logging.getLogger(__name__)

# As in shared/xquad/baselines/bm25.py: up to . ! ? or the Hindi danda followed by a space, or the end.
# Applied line by line, so that a heading without a full stop does not run into the next paragraph.
SENTENCE = re.compile(r"\S.*?(?:[.!?।]+(?=\s|$)|$)", re.S)


def tokenize(text: str) -> list[str]:
    """Casefolded runs of letters, digits and combining marks (as the XQuAD BM25 baseline: plain
    ``\\w+`` would cut Hindi words at their vowel signs)."""
    text = unicodedata.normalize("NFC", text).casefold()
    return "".join(c if c.isalnum() or unicodedata.category(c)[0] == "M" else " " for c in text).split()


def lines(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of the non-blank lines of ``text[start:end]``, trimmed of surrounding whitespace."""
    end = len(text) if end is None else end
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        seg = text[pos:stop]
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            out.append((pos + lead, pos + len(seg.rstrip())))
        pos = stop + 1
    return out


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets into ``text`` of the sentences of ``text[start:end]``, line by line."""
    out = []
    for ls, le in lines(text, start, end):
        for m in SENTENCE.finditer(text[ls:le]):
            s, e = ls + m.start(), ls + m.end()
            e -= len(text[s:e]) - len(text[s:e].rstrip())
            if e > s:
                out.append((s, e))
    return out


@dataclass(frozen=True)
class Corpus:
    """The documents of a folder, read as the product reads them (UTF-8, newlines kept: offsets
    into this text are what citations point at)."""

    texts: dict[str, str]
    languages: dict[str, str]

    @classmethod
    def read(cls, docs_dir: Path | None = None) -> Corpus:
        folder = Path(docs_dir) if docs_dir is not None else Path(get_settings().docs_dir)
        texts: dict[str, str] = {}
        for doc_id, path in list_files(folder):
            try:
                text = path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                logger.warning("%s: skipped (%s)", doc_id, exc)
                continue
            if text.strip():
                texts[doc_id] = text
        return cls(texts, {d: detect_language(t) for d, t in texts.items()})


def standalone_query(question: str, history: list[dict[str, str]] | None) -> str:
    """A follow-up has no topic of its own offline: the previous user question is put in front of it
    (the product mixes the two questions' vectors for the same reason)."""
    previous = [m["content"] for m in history or [] if m.get("role") == "user" and m.get("content")]
    return f"{previous[-1]} {question}" if previous else question


def harness_functions(
    factory: Callable[[], Any],
) -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    """The module-level ``ingest``, ``retrieve``, ``ask`` the XQuAD harness calls, over one system
    made on first use (the folder is read at ingest: RAG_DOCS_DIR may be set after import)."""
    made: list[Any] = []

    def system() -> Any:
        if not made:
            made.append(factory())
        return made[0]

    def ingest() -> dict[str, Any]:
        return system().ingest()

    def retrieve(question: str, k: int = 10) -> list[Any]:
        return system().retrieve(question, k)

    def ask(question: str, history: list[dict[str, str]] | None = None) -> Any:
        return system().ask(question, history)

    return ingest, retrieve, ask
