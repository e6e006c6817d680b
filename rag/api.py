"""The public functions: ingest, retrieve, ask, stream (re-exported by ``rag``). Validate and wire only.

The way of a question through ``ask``: validated here; analysed once into a Query
(``retrieval.query``); searched in every document language (``retrieval.search``); grouped with its
translations (``retrieval.groups``); grounded (``answer.grounding``); answered from the documents
(``answer.extractive``) or by the chat model (``llm.generate``), with verified citations.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from rag.answer.calibration import resolve
from rag.answer.cite import passage_disagreements
from rag.answer.extractive import extractive_answer
from rag.answer.grounding import ground
from rag.answer.refusal import is_relevant, refusal
from rag.index.store import Store, get_store
from rag.ingestion import pipeline
from rag.ingestion import uploads as library
from rag.ingestion.documents import preload_language_model
from rag.ingestion.uploads import AddReport
from rag.llm import client as llm
from rag.llm import generate
from rag.retrieval.candidates import Candidate
from rag.retrieval.groups import group_translations
from rag.retrieval.query import Query, analyse
from rag.retrieval.search import search
from rag.settings import Settings, get_settings
from rag.text.normalise import clean_question_text
from rag.translations.align import Alignment
from rag.translations.refresh import refresh as refresh_translations
from rag.translations.sidecar import alignment as stored_alignment
from rag.types import (
    Answer,
    CitationsEvent,
    DocumentInfo,
    Done,
    IngestReport,
    Passage,
    StreamEvent,
    TextDelta,
)

logger = logging.getLogger(__name__)


def _settings(settings: Settings | None) -> Settings:
    """The call's settings, every answer decision filled from the index's calibration where the caller
    left it unset (``rag.answer.calibration``): the stages below read plain numbers."""
    return resolve(settings if settings is not None else get_settings())


def validate_question(question: Any, settings: Settings) -> str:
    """The question, trimmed; ValueError with a message for what cannot be asked."""
    if not isinstance(question, str):
        raise ValueError(f"the question must be a string, not {type(question).__name__}")
    cleaned = clean_question_text(question)  # a terminal's colour codes go whole, not only their escape byte
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


def ensure_index(settings: Settings, progress: bool = False) -> None:
    """Build the index on first use, as the contract (docs/api.md) promises for ``ask``."""
    if get_store(settings).is_empty():
        logger.info("no index yet for %s: ingesting", settings.docs_dir)
        _run_ingest(settings, progress=progress)


def _run_ingest(settings: Settings, progress: bool) -> IngestReport:
    """The ingest stage, with the translations stage in its lock and the chat model bound to it."""
    use_llm = llm.configured(settings) and settings.llm_compare
    refresh = functools.partial(
        refresh_translations,
        chat=functools.partial(llm.chat, settings=settings) if use_llm else None,
        model=settings.llm_model,
        unavailable=(llm.LLMError,),
    )
    return pipeline.ingest(settings, progress=progress, refresh=refresh)


def ingest(settings: Settings | None = None, progress: bool = True) -> IngestReport:
    """(Re)index the docs folder; unchanged documents are skipped. Returns what was done."""
    return _run_ingest(_settings(settings), progress=progress)


def _languages(store: Store) -> set[str]:
    """The languages of the indexed documents."""
    return set(store.stats().chunk_mean)


def _groups(query: Query, store: Store, alignment: Alignment, settings: Settings) -> list[Candidate]:
    return group_translations(search(query.vector, settings, store), query.vector, store, alignment, settings)


def retrieve(question: str, k: int | None = None, settings: Settings | None = None) -> list[Passage]:
    """The ``k`` best passages, one per fact: translations of a passage ride along in ``translations``."""
    s = _settings(settings)
    text = validate_question(question, s)
    ensure_index(s)
    store = get_store(s)
    query = analyse(text, s, doc_languages=_languages(store))
    alignment = stored_alignment(store)
    passages = [c.to_passage() for c in _groups(query, store, alignment, s)[: k or s.top_k]]
    return [
        replace(p, disagreements=tuple(passage_disagreements(p, alignment, query.answer_language)))
        for p in passages
    ]


@dataclass(frozen=True)
class Found:
    """What a question found: everything ask and stream need to answer it."""

    query: Query
    groups: list[Candidate]  # grounded groups, best first (from ``searched``: not yet grounded)
    means: dict[str, np.ndarray]  # per-language sentence means (for verifying model sentences)
    alignment: Alignment  # which sentences translate each other, and where they differ


def _standalone(question: str, msgs: list[dict[str, str]], settings: Settings) -> str | None:
    """The chat model's standalone rewrite of a follow-up, if a model is configured and answers."""
    if not msgs or not llm.configured(settings):
        return None
    try:
        return generate.condense(question, msgs, settings) or None
    except llm.LLMError as exc:
        logger.warning(
            "chat model could not rewrite the follow-up (%s); using the conversation offline", exc.cause
        )
        return None


def searched(question: str, history: Any, settings: Settings) -> Found:
    """What a question finds before grounding (``groups`` not yet grounded): none of it depends on the
    answer decisions (``rag.calibrate`` grounds and answers it again per candidate calibration)."""
    text = validate_question(question, settings)
    msgs = validate_history(history)
    preload_language_model()  # first question: loads while Chroma is imported and the index opened
    ensure_index(settings)
    store = get_store(settings)
    query = analyse(text, settings, msgs, _standalone(text, msgs, settings), _languages(store))
    alignment = stored_alignment(store)
    groups = _groups(query, store, alignment, settings)
    return Found(query, groups, store.stats().sentence_mean, alignment)


def _find(question: str, history: Any, settings: Settings) -> Found:
    f = searched(question, history, settings)
    return replace(f, groups=ground(f.query, f.groups, f.alignment, settings))


def _llm_prompt(f: Found, settings: Settings) -> generate.Prompt | None:
    """The prompt for the model, or None when nothing is relevant enough to ask it about."""
    if not f.groups or not is_relevant(f.groups[0], settings):
        return None  # a wrong answer costs more than none: the model is not asked
    q = f.query
    return generate.build_prompt(
        q.question, q.answer_language, f.groups[: settings.llm_passages], f.alignment
    )


def _fallback(f: Found, settings: Settings, cause: str) -> Answer:
    logger.warning("chat model failed (%s): answering from the documents without it", cause)
    return replace(extractive_answer(f.query, f.groups, f.alignment, settings), degraded=True)


def ask(
    question: str, history: list[dict[str, str]] | None = None, settings: Settings | None = None
) -> Answer:
    """Answer ``question`` from the documents, with verified citations (or say they do not say)."""
    s = _settings(settings)
    f = _find(question, history, s)
    if not llm.configured(s):
        return extractive_answer(f.query, f.groups, f.alignment, s)
    prompt = _llm_prompt(f, s)
    if prompt is None:
        return refusal(f.query)
    try:
        return generate.llm_answer(f.query.question, f.query.shown, prompt, f.means, s)
    except llm.LLMError as exc:
        return _fallback(f, s, exc.cause)


def stream(
    question: str, history: list[dict[str, str]] | None = None, settings: Settings | None = None
) -> Iterator[StreamEvent]:
    """Typed events: text deltas (verified sentences), then the citations, then done (the whole Answer).

    Bad input raises ValueError before the first event.
    """
    s = _settings(settings)
    return _events(_find(question, history, s), s)


def _events(f: Found, s: Settings) -> Iterator[StreamEvent]:
    answer: Answer | None = None
    prompt = _llm_prompt(f, s) if llm.configured(s) else None
    if prompt is not None:
        try:
            for item in generate.stream_llm_answer(f.query.question, f.query.shown, prompt, f.means, s):
                if isinstance(item, Answer):
                    answer = item
                    # the notes on differing translations come last, once the cited sentences are known
                    for d in answer.disagreements:
                        yield TextDelta("\n" + d.note)
                else:
                    yield TextDelta(item)
        except llm.LLMError as exc:
            answer = _fallback(f, s, exc.cause)
            yield TextDelta(answer.text)
    if answer is None:
        if llm.configured(s) and prompt is None:
            answer = refusal(f.query)
        else:
            answer = extractive_answer(f.query, f.groups, f.alignment, s)
        yield TextDelta(answer.text)
    yield CitationsEvent(answer.citations, answer.disagreements)
    yield Done(answer)


def documents(settings: Settings | None = None) -> list[DocumentInfo]:
    """The indexed documents: id, language and number of chunks."""
    s = _settings(settings)
    return [
        DocumentInfo(doc_id=k, language=str(v["language"]), chunks=int(v["chunks"]))
        for k, v in sorted(get_store(s).documents().items())
    ]


def document_text(doc_id: str, settings: Settings | None = None) -> str:
    """The text of record of an indexed document (citations are offsets into it).

    For a PDF, DOCX or HTML file that is the text its reader made (kept beside the index,
    ``rag.index.texts``); for a .txt/.md file, the file as read. Without a kept text, only files
    inside the docs folder are read: an id that leads elsewhere is a ValueError.
    """
    from rag.index import texts

    s = _settings(settings)
    record = texts.load(s, doc_id)
    if record is not None:
        return record.text
    root = Path(s.docs_dir).resolve()
    path = (root / doc_id).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise ValueError(f"no document {doc_id!r} in {root}")
    return path.read_bytes().decode("utf-8")


def add_documents(
    files: list[str | Path], settings: Settings | None = None, progress: bool = False
) -> AddReport:
    """Check and copy files into the docs folder, then index them. Nothing is overwritten."""
    s = _settings(settings)
    report = library.add_documents([Path(f) for f in files], s)
    if report.added:
        _run_ingest(s, progress=progress)
    return report
