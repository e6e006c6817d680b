"""The public functions: ingest, retrieve, ask, stream (re-exported by ``rag``)."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from rag import indexing as _ingest
from rag import retrieval as _retrieve
from rag.extract import extractive_answer
from rag.settings import Settings, get_settings
from rag.store import get_store
from rag.types import Answer, CitationsEvent, Done, IngestReport, Passage, StreamEvent, TextDelta

logger = logging.getLogger(__name__)

# How much the previous user question weighs in the retrieval vector of a follow-up.
HISTORY_WEIGHT = 0.5


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else get_settings()


def validate_question(question: Any, settings: Settings) -> str:
    """The question, trimmed; ValueError with a message for what cannot be asked."""
    if not isinstance(question, str):
        raise ValueError(f"the question must be a string, not {type(question).__name__}")
    cleaned = "".join(ch for ch in question if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()
    if not cleaned:
        raise ValueError("the question is empty: type a question about the documents")
    if len(cleaned) > settings.max_question_chars:
        raise ValueError(
            f"the question is {len(cleaned):,} characters long; the limit is {settings.max_question_chars:,} "
            "(RAG_MAX_QUESTION_CHARS): ask about one thing at a time"
        )
    return cleaned


def validate_history(history: Any) -> list[dict[str, str]]:
    """OpenAI-style messages; ValueError naming the first one that is not."""
    if history is None:
        return []
    if not isinstance(history, Sequence) or isinstance(history, str | bytes):
        raise ValueError("history must be a list of {'role': ..., 'content': ...} messages")
    out = []
    for n, msg in enumerate(history):
        if not isinstance(msg, dict) or msg.get("role") not in ("user", "assistant", "system"):
            raise ValueError(f"history[{n}] must be a dict with role 'user', 'assistant' or 'system'")
        if not isinstance(msg.get("content"), str):
            raise ValueError(f"history[{n}]['content'] must be a string")
        out.append({"role": str(msg["role"]), "content": str(msg["content"])})
    return out


def ensure_index(settings: Settings) -> None:
    """Build the index on first use, as DESIGN.md promises for ``ask``."""
    if get_store(settings).count() == 0:
        logger.info("no index yet for %s: ingesting", settings.docs_dir)
        _ingest.ingest(settings, progress=False)


def ingest(settings: Settings | None = None, progress: bool = True) -> IngestReport:
    """(Re)index the docs folder; unchanged documents are skipped. Returns what was done."""
    return _ingest.ingest(_settings(settings), progress=progress)


def retrieve(question: str, k: int | None = None, settings: Settings | None = None) -> list[Passage]:
    """The ``k`` best passages, one per fact: translations of a passage ride along in ``translations``."""
    s = _settings(settings)
    q = validate_question(question, s)
    ensure_index(s)
    return _retrieve.retrieve(q, k or s.top_k, s)


def _query_vector(question: str, history: list[dict[str, str]], settings: Settings) -> tuple[np.ndarray, str]:
    qvec = _retrieve.embed_question(question, settings)
    previous = [m["content"] for m in history if m["role"] == "user" and m["content"].strip()]
    if not previous:
        return qvec, question
    # Offline there is no model to rewrite "And with UNDP?"; the previous question's vector,
    # at half weight, carries the topic the follow-up leaves out.
    prev = previous[-1][: settings.max_question_chars]
    mixed = qvec + HISTORY_WEIGHT * _retrieve.embed_question(prev, settings)
    return mixed / np.linalg.norm(mixed), f"{prev} / {question}"


def ask(
    question: str, history: list[dict[str, str]] | None = None, settings: Settings | None = None
) -> Answer:
    """Answer ``question`` from the documents, with verified citations (or say they do not say)."""
    s = _settings(settings)
    q = validate_question(question, s)
    msgs = validate_history(history)
    ensure_index(s)
    store = get_store(s)
    qvec, query = _query_vector(q, msgs, s)
    leaders = _retrieve.group_translations(_retrieve.search(qvec, s, store), s.group_threshold, store)
    return extractive_answer(q, query, leaders, store.stats().sentence_mean, s)


def stream(
    question: str, history: list[dict[str, str]] | None = None, settings: Settings | None = None
) -> Iterator[StreamEvent]:
    """Typed events: text deltas, then the citations, then done (with the whole Answer)."""
    answer = ask(question, history=history, settings=settings)
    yield TextDelta(answer.text)
    yield CitationsEvent(answer.citations, answer.disagreements)
    yield Done(answer)
