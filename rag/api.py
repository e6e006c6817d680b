"""The public functions: ingest, retrieve, ask, stream (re-exported by ``rag``)."""

from __future__ import annotations

import functools
import logging
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from rag.answer.extractive import (
    extractive_answer,
    is_relevant,
    passage_disagreements,
    question_language,
    refusal,
)
from rag.answer.grounding import (
    answer_kind,
    content_words,
    document_language,
    foreign_words,
    gives_kind,
    masked_questions,
    salient_terms,
    terms_to_test,
    too_foreign,
    ungrounded_terms,
    vocabularies,
)
from rag.index.embedders import get_embedder
from rag.index.store import get_store
from rag.ingestion import pipeline as _ingest
from rag.ingestion import uploads as library
from rag.ingestion.documents import detect_language, preload_language_model
from rag.ingestion.uploads import AddReport
from rag.llm import client as llm
from rag.llm import generate
from rag.retrieval import search as _retrieve
from rag.settings import Settings, get_settings
from rag.translations.align import Alignment
from rag.translations.refresh import refresh as refresh_translations
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


def ensure_index(settings: Settings, progress: bool = False) -> None:
    """Build the index on first use, as DESIGN.md promises for ``ask``."""
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
    return _ingest.ingest(settings, progress=progress, refresh=refresh)


def ingest(settings: Settings | None = None, progress: bool = True) -> IngestReport:
    """(Re)index the docs folder; unchanged documents are skipped. Returns what was done."""
    return _run_ingest(_settings(settings), progress=progress)


def retrieve(question: str, k: int | None = None, settings: Settings | None = None) -> list[Passage]:
    """The ``k`` best passages, one per fact: translations of a passage ride along in ``translations``."""
    s = _settings(settings)
    q = validate_question(question, s)
    ensure_index(s)
    passages = _retrieve.retrieve(q, k or s.top_k, s)
    alignment = get_store(s).alignment()
    language = s.answer_language or question_language(q, set())
    return [replace(p, disagreements=tuple(passage_disagreements(p, alignment, language))) for p in passages]


def _previous_question(history: list[dict[str, str]], settings: Settings) -> str | None:
    previous = [m["content"] for m in history if m["role"] == "user" and m["content"].strip()]
    return previous[-1][: settings.max_question_chars] if previous else None


def _mixed(vecs: np.ndarray, prev: np.ndarray | None) -> np.ndarray:
    """Question vectors; for a follow-up, mixed with the previous question's vector.

    Offline there is no model to rewrite "And with UNDP?"; the previous question's vector, at
    ``HISTORY_WEIGHT``, carries the topic the follow-up leaves out.
    """
    if prev is None:
        return vecs
    vecs = vecs + HISTORY_WEIGHT * prev
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def _embed(texts: list[str], prev: np.ndarray | None, settings: Settings) -> np.ndarray:
    return _mixed(get_embedder(settings.embed_model).embed_queries(texts), prev)


def _question_vector(
    question: str, history: list[dict[str, str]], settings: Settings
) -> tuple[np.ndarray, np.ndarray | None, str]:
    """The retrieval vector, the previous question's vector (follow-ups) and the query as text."""
    prev = _previous_question(history, settings)
    if not prev:
        return _embed([question], None, settings)[0], None, question
    both = get_embedder(settings.embed_model).embed_queries([question, prev])  # one call for both
    return _mixed(both[:1], both[1])[0], both[1], f"{prev} / {question}"


def grounded_groups(
    question: str,
    qvec: np.ndarray,
    prev: np.ndarray | None,
    leaders: list[_retrieve.Candidate],
    settings: Settings,
    alignment: Alignment | None = None,
) -> list[_retrieve.Candidate]:
    """The top groups that speak about what the question asks (see grounding.py): every name, number
    and code of it, the kind of answer it asks for (a date, a number), and its content words where the
    group has a version in the question's language that could have used them.

    The best group may speak about a name in translation (the embedding test); a group further down
    must contain the names verbatim: promoting it on the embedding test alone promoted chance matches
    ("Tokyo" -> a paragraph on Korea) in the gold set.
    """
    language = detect_language(question)
    terms = salient_terms(question, language)
    if not leaders:
        return []
    kind = answer_kind(question)
    vocabs = vocabularies(alignment) if alignment is not None else {}
    doc_language = document_language(question, language, vocabs) if vocabs else None
    words = content_words(question, doc_language or language)
    best, rest = leaders[0], leaders[1 : settings.grounding_depth]
    judged = any(c.language == doc_language for g in [best, *rest] for c in [g, *g.members])
    foreign = foreign_words(words, vocabs[doc_language]) if doc_language and judged else []
    todo = terms_to_test([best], terms)
    variants = [*todo, *foreign]
    vectors = (
        _embed(masked_questions(question, variants), prev, settings)
        if variants
        else np.zeros((0, len(qvec)), np.float32)
    )
    masked = dict(zip(todo, vectors[: len(todo)], strict=True))
    foreign_masked = dict(zip(foreign, vectors[len(todo) :], strict=True))

    def foreign_to(g: _retrieve.Candidate, strict: bool) -> bool:
        return too_foreign(
            g,
            doc_language or language,
            qvec,
            foreign,
            foreign_masked,
            len(words),
            settings.foreign_margin,
            settings.foreign_share,
            strict,
        )

    # when the best group has a version in the question's language and the question's words failed on
    # it, a group further down that has no such version cannot show it does better: it is not promoted
    strict = foreign_to(best, False)
    kept = []
    if (
        not strict
        and gives_kind(best, kind)
        and not ungrounded_terms(best, qvec, terms, masked, settings.grounding_margin)
    ):
        kept.append(best)
    kept.extend(
        g
        for g in rest
        if gives_kind(g, kind)
        and not ungrounded_terms(g, qvec, terms, {}, settings.grounding_margin)
        and not foreign_to(g, strict)
    )
    return kept


@dataclass
class Retrieved:
    """What a question found: everything ask and stream need to answer it."""

    question: str  # as asked (validated)
    query: str  # what was retrieved with (standalone for follow-ups)
    language: str  # of the question: the answer's language
    groups: list[_retrieve.Candidate]  # grounded groups, best first
    means: dict[str, np.ndarray]  # per-language sentence means (for verifying model sentences)
    alignment: Alignment  # which sentences translate each other, and where they differ


def _retrieve_for(question: str, history: Any, settings: Settings) -> Retrieved:
    q = validate_question(question, settings)
    msgs = validate_history(history)
    preload_language_model()  # first question: loads while Chroma is imported and the index opened
    ensure_index(settings)
    store = get_store(settings)
    standalone = None
    if msgs and llm.configured(settings):
        try:
            standalone = generate.condense(q, msgs, settings)
        except llm.LLMError as exc:
            logger.warning(
                "chat model could not rewrite the follow-up (%s); using the conversation offline", exc.cause
            )
    if standalone:
        qvec, prev, query = _question_vector(standalone, [], settings)
    else:
        qvec, prev, query = _question_vector(q, msgs, settings)
    leaders = _retrieve.group_translations(_retrieve.search(qvec, settings, store), qvec, store, settings)
    grounded = grounded_groups(standalone or q, qvec, prev, leaders, settings, store.alignment())
    language = settings.answer_language or question_language(q, {c.language for c in leaders})
    return Retrieved(q, query, language, grounded, store.stats().sentence_mean, store.alignment())


def _llm_prompt(r: Retrieved, settings: Settings) -> generate.Prompt | None:
    """The prompt for the model, or None when nothing is relevant enough to ask it about."""
    if not r.groups or not is_relevant(r.groups[0], settings):
        return None  # a wrong answer costs more than none: the model is not asked
    return generate.build_prompt(r.question, r.language, r.groups[: settings.llm_passages], r.alignment)


def _fallback(r: Retrieved, settings: Settings, cause: str) -> Answer:
    logger.warning("chat model failed (%s): answering from the documents without it", cause)
    answer = extractive_answer(r.question, r.query, r.groups, r.alignment, settings)
    answer.degraded = True
    return answer


def ask(
    question: str, history: list[dict[str, str]] | None = None, settings: Settings | None = None
) -> Answer:
    """Answer ``question`` from the documents, with verified citations (or say they do not say)."""
    s = _settings(settings)
    r = _retrieve_for(question, history, s)
    if not llm.configured(s):
        return extractive_answer(r.question, r.query, r.groups, r.alignment, s)
    prompt = _llm_prompt(r, s)
    if prompt is None:
        return refusal(r.question, r.query)
    try:
        return generate.llm_answer(r.question, r.query, prompt, r.means, s)
    except llm.LLMError as exc:
        return _fallback(r, s, exc.cause)


def stream(
    question: str, history: list[dict[str, str]] | None = None, settings: Settings | None = None
) -> Iterator[StreamEvent]:
    """Typed events: text deltas (verified sentences), then the citations, then done (the whole Answer).

    Bad input raises ValueError before the first event.
    """
    s = _settings(settings)
    r = _retrieve_for(question, history, s)
    return _events(r, s)


def _events(r: Retrieved, s: Settings) -> Iterator[StreamEvent]:
    answer: Answer | None = None
    prompt = _llm_prompt(r, s) if llm.configured(s) else None
    if prompt is not None:
        try:
            for item in generate.stream_llm_answer(r.question, r.query, prompt, r.means, s):
                if isinstance(item, Answer):
                    answer = item
                    # the notes on differing translations come last, once the cited sentences are known
                    for d in answer.disagreements:
                        yield TextDelta("\n" + d.note)
                else:
                    yield TextDelta(item)
        except llm.LLMError as exc:
            answer = _fallback(r, s, exc.cause)
            yield TextDelta(answer.text)
    if answer is None:
        if llm.configured(s) and prompt is None:
            answer = refusal(r.question, r.query)
        else:
            answer = extractive_answer(r.question, r.query, r.groups, r.alignment, s)
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
    """The text of an indexed document as read (citations are offsets into it).

    Only files inside the docs folder are read: an id that leads elsewhere is a ValueError.
    """
    s = _settings(settings)
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
