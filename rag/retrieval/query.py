"""One question, analysed once: its text, language, names/numbers/codes, words, answer kind and vector.

Every later stage (search, grounding, the answer, the chat model's verifier) reads this value and never
detects the language or tokenises the question again. Imports: ``rag.index`` (the embedder), ``rag.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from rag.index.embedders import get_embedder
from rag.settings import Settings
from rag.text.langid import detect_language
from rag.text.phrases import NOT_IN_DOCUMENTS
from rag.text.terms import TOKEN, Term, names_visible, salient_terms
from rag.text.words import answer_kind, content_words

# How much the previous user question weighs in the retrieval vector of a follow-up.
HISTORY_WEIGHT = 0.5


@dataclass(frozen=True, eq=False)
class Query:
    """What a question asks, read once. Immutable: stages return new values, never change this one."""

    question: str  # as asked (validated, cleaned)
    text: str  # what is analysed and searched: the model's standalone rewrite of a follow-up, else question
    shown: str  # the query as text, for Answer.query ("previous / question" for an offline follow-up)
    language: str  # detected language of ``question``
    text_language: str  # detected language of ``text`` (the same unless a model rewrote the question)
    answer_language: str  # the answer's language: settings, else the question's where documents/answers exist
    tokens: tuple[re.Match[str], ...]  # TOKEN matches of ``text``
    terms: tuple[Term, ...]  # names, numbers and codes of ``text`` (longest first)
    kind: str | None  # "date", "number" or None: what kind of answer ``text`` asks for
    names_visible: bool  # whether ``text``'s script shows names by capitals
    vector: np.ndarray = field(repr=False)  # retrieval vector (mixed with the previous question's)
    previous: np.ndarray | None = field(default=None, repr=False)  # previous question's vector

    def content_words(self, language: str) -> list[Term]:
        """The question's content words, with ``language``'s function words left out."""
        return content_words(self.text, language, list(self.tokens))

    def embed_variants(self, texts: list[str], settings: Settings) -> np.ndarray:
        """Vectors of variants of the question (a name left out), made as the query vector was made."""
        if not texts:
            return np.zeros((0, len(self.vector)), np.float32)
        return mixed(get_embedder(settings).embed_queries(texts), self.previous)


def mixed(vecs: np.ndarray, prev: np.ndarray | None) -> np.ndarray:
    """Question vectors; for a follow-up, mixed with the previous question's vector.

    Offline there is no model to rewrite "And with UNDP?"; the previous question's vector, at
    ``HISTORY_WEIGHT``, carries the topic the follow-up leaves out.
    """
    if prev is None:
        return vecs
    vecs = vecs + HISTORY_WEIGHT * prev
    return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def previous_question(history: list[dict[str, str]], max_chars: int) -> str | None:
    previous = [m["content"] for m in history if m["role"] == "user" and m["content"].strip()]
    return previous[-1][:max_chars] if previous else None


def answer_language(language: str, known: set[str], settings: Settings) -> str:
    """The answer's language: the settings', else the question's if documents or answers exist in it."""
    if settings.answer_language:
        return settings.answer_language
    return language if language in known or language in NOT_IN_DOCUMENTS else "en"


def analyse(
    question: str,
    settings: Settings,
    history: list[dict[str, str]] | None = None,
    standalone: str | None = None,
    doc_languages: set[str] | frozenset[str] = frozenset(),
) -> Query:
    """The Query of a validated ``question``.

    ``standalone``: the chat model's rewrite of a follow-up (then ``history`` is not mixed in);
    ``doc_languages``: the languages of the indexed documents (the answer may be in any of them).
    """
    embedder = get_embedder(settings)
    prev_text = None if standalone else previous_question(history or [], settings.max_question_chars)
    text = standalone or question
    if prev_text:
        both = embedder.embed_queries([text, prev_text])  # one call for both
        vector, previous, shown = mixed(both[:1], both[1])[0], both[1], f"{prev_text} / {text}"
    else:
        vector, previous, shown = embedder.embed_queries([text])[0], None, text
    # among the languages that can occur: the documents' and those the product answers in (unrestricted,
    # short Indonesian questions read as Malay, Hindi ones as Nepali)
    possible = set(doc_languages) | set(NOT_IN_DOCUMENTS)
    language = detect_language(question, possible)
    return read(
        question,
        vector,
        language,
        answer_language(language, set(doc_languages), settings),
        text=text,
        text_language=language if text == question else detect_language(text, possible),
        shown=shown,
        previous=previous,
    )


def read(
    question: str,
    vector: np.ndarray,
    language: str,
    answer_language: str,
    text: str | None = None,
    text_language: str | None = None,
    shown: str | None = None,
    previous: np.ndarray | None = None,
) -> Query:
    """The Query of ``question`` (or of its rewrite ``text``) once its language and vector are known."""
    text = text or question
    tokens = tuple(TOKEN.finditer(text))
    text_language = text_language or language
    return Query(
        question=question,
        text=text,
        shown=shown or text,
        language=language,
        text_language=text_language,
        answer_language=answer_language,
        tokens=tokens,
        terms=tuple(salient_terms(text, text_language, list(tokens))),
        kind=answer_kind(text),
        names_visible=names_visible(text),
        vector=vector,
        previous=previous,
    )
