"""When not to answer: the passage is not close enough, lacks the kind of answer asked for, or the
question's words are ones its language's documents never use.

Imports: ``rag.retrieval`` (Query, Candidate), ``rag.translations`` (the alignment's sentence texts),
``rag.text``.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from rag.retrieval.candidates import Candidate
from rag.retrieval.query import Query
from rag.settings import Settings
from rag.text.function_words import FUNCTION_WORDS, norm
from rag.text.phrases import NOT_IN_DOCUMENTS
from rag.text.terms import DIGITS, Term
from rag.text.words import YEAR, used_in, word_bag
from rag.types import Answer


def refusal(query: Query) -> Answer:
    """ "The documents do not say", in the question's language (English where it has no sentence)."""
    text = NOT_IN_DOCUMENTS.get(query.language, NOT_IN_DOCUMENTS["en"])
    return Answer(text=text, answered=False, citations=[], query=query.shown)


def is_relevant(leader: Candidate, settings: Settings) -> bool:
    """Whether the best passage is close enough to the question to answer from it."""
    return float(leader.sent_cos.max()) >= settings.decision("min_relevance")


def gives_kind(leader: Candidate, kind: str | None) -> bool:
    """Whether some version of the group's passage holds what ``kind`` asks for (a year, a number)."""
    if kind is None:
        return True
    pattern = YEAR if kind == "date" else DIGITS
    return any(pattern.search(c.text) for c in [leader, *leader.members])


# -- content words the documents never use --------------------------------------------------------

_VOCABULARIES: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def vocabularies(alignment: Any) -> dict[str, str]:
    """Per document language, every word of the documents (normalised), space-separated: " w1 w2 "."""
    if alignment not in _VOCABULARIES:
        texts: dict[str, list[str]] = {}
        for info in alignment.sentences.values():
            texts.setdefault(str(info.get("language", "")), []).extend(info.get("texts", []))
        _VOCABULARIES[alignment] = {lang: word_bag(t) for lang, t in texts.items()}
    return _VOCABULARIES[alignment]


def document_language(query: Query, vocabularies: dict[str, str]) -> str | None:
    """The documents' language the question is written in: the detected one if documents are in it;
    None for another question language (English here); and where the detector named a language this
    module does not know (short questions: Indonesian taken for Malay, Hindi for Nepali), the
    documents' language that has at least half of its words."""
    detected = query.text_language
    if detected in vocabularies:
        return detected
    if detected in FUNCTION_WORDS:
        return None
    words = [norm(w) for w in (m.group() for m in query.tokens) if not DIGITS.search(w)]
    if not words or not vocabularies:
        return None
    share, best = max(
        (sum(f" {w} " in v for w in words) / len(words), lang) for lang, v in vocabularies.items()
    )
    return best if share >= 0.5 else None


def foreign_words(words: list[Term], vocabulary: str) -> list[Term]:
    """The content words that the documents in the question's language never use ("Einwohner",
    "टोक्यो"): a passage in that language could have said them and did not."""
    return [t for t in words if not used_in(norm(t.text), vocabulary)]


def too_foreign(
    leader: Candidate,
    language: str,
    qvec: np.ndarray,
    foreign: list[Term],
    masked: dict[Term, np.ndarray],
    n_words: int,
    margin: float,
    share: float,
    strict: bool = False,
) -> bool:
    """Whether the question's words that its language's documents never use, and that do not pull it
    towards this group's version in that language either, make up ``share`` of its content words.

    Only a group with a version in the question's language is judged (the others could not have used
    the word); a paraphrase pulls towards the evidence ("ditandatangani" for a text that says
    "menandatangani" +0.008), a word the documents do not speak about does not ("Einwohner" -0.007).
    """
    rows = [c for c in [leader, *leader.members] if c.language == language and len(c.sent_scores)]
    if not foreign or not n_words:
        return False
    if not rows:
        # a group that cannot be judged passes, unless ``strict`` (the question's words failed on a
        # better group that could be judged: this one is not promoted past it)
        return strict
    evidence = np.vstack([c.sent_vecs[int(np.argmax(c.sent_scores))] for c in rows])
    full = evidence @ qvec
    failed = [t for t in foreign if t in masked and float(np.mean(full - evidence @ masked[t])) < margin]
    return len(failed) / n_words >= share
