"""The features of a learned answer-or-refuse decision (``eval.learned_decision``), and the candidate
answer it decides on.

The candidate is the hand rules' answer where they answer; where they refuse, the extractive answer
from the groups grounded as the hand rules ground them (or, when that keeps none, grounded leniently:
only the verbatim tests of numbers, the answer kind and lower groups' names stay), with the relevance
floor lowered to the leader's cosine. The features describe that candidate's leader: how close it is,
how much the question's names pull it, which of its terms stand in it, what the foreign-word test and the
answer-kind test say, how its translations agree. Nothing is fitted here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from rag.answer.extractive import extractive_answer, gives_date, sentence_text
from rag.answer.grounding import evidence_vectors, ground, group_text
from rag.answer.refusal import document_language, foreign_words, vocabularies
from rag.retrieval.candidates import Candidate
from rag.retrieval.query import Query
from rag.settings import Settings
from rag.text.terms import DIGITS, found_verbatim, masked_questions, numeric, script
from rag.translations.align import Alignment
from rag.types import Answer

FEATURES = (
    "cos",  # best sentence raw cosine of the leader
    "centred",  # its centred score (sent_scores)
    "gap",  # centred score minus the next group's
    "strict",  # 1: the hand rules' grounding kept a group (the candidate is theirs)
    "hand_relevant",  # 1: the leader passes the hand min_relevance
    "pull",  # the weakest name pull (term_support, mean over versions), clipped to +-0.01
    "verbatim",  # share of the question's names/numbers standing verbatim in some version
    "kind_ok",  # the first sentence gives what a when/how-many question asks (1 when none is asked)
    "foreign",  # share of content words the documents never use and that do not pull the evidence
    "versions",  # number of versions in the group / 4
    "spread",  # max - min best-sentence cosine over the versions
    "length",  # log chars of the first sentence
    "position",  # the first sentence's index in its chunk, / number of sentences
)
LENIENT = {"grounding_margin": -1.0, "foreign_share": 10.0}
PULL_CLIP = 0.01


@dataclass(frozen=True)
class Decided:
    """The answer the learned decision decides on, and its features (None: nothing to answer from)."""

    answer: Answer | None
    features: np.ndarray | None
    hand: Answer


def _pull(leader: Candidate, query: Query, settings: Settings) -> float:
    """The weakest pull of a question name missing verbatim from the group (PULL_CLIP when none)."""
    text = group_text(leader)
    missing = [t for t in query.terms if not numeric(t) and not found_verbatim(t, text)]
    if any(numeric(t) and not found_verbatim(t, text) for t in query.terms):
        return -PULL_CLIP
    if not missing:
        return PULL_CLIP
    vectors = query.embed_variants(masked_questions(query.text, missing), settings)
    scripts, evidence = evidence_vectors(leader)
    pulls = []
    for t, masked in zip(missing, vectors, strict=True):
        same = [n for n, sc in enumerate(scripts) if sc == script(t.text)]
        rows = evidence[same] if same else evidence
        pulls.append(float(np.mean(rows @ query.vector - rows @ masked)))
    return float(np.clip(min(pulls), -PULL_CLIP, PULL_CLIP))


def _foreign(leader: Candidate, query: Query, alignment: Alignment | None, settings: Settings) -> float:
    vocabs = vocabularies(alignment) if alignment is not None else {}
    language = document_language(query, vocabs) if vocabs else None
    words = query.content_words(language or query.text_language)
    if not language or not words:
        return 0.0
    rows = [c for c in [leader, *leader.members] if c.language == language and len(c.sent_scores)]
    foreign = foreign_words(words, vocabs[language])
    if not rows or not foreign:
        return 0.0
    evidence = np.vstack([c.sent_vecs[int(np.argmax(c.sent_scores))] for c in rows])
    vectors = query.embed_variants(masked_questions(query.text, foreign), settings)
    full = evidence @ query.vector
    failed = [v for v in vectors if float(np.mean(full - evidence @ v)) < settings.decision("foreign_margin")]
    return len(failed) / len(words)


def features(
    query: Query, leaders: list[Candidate], groups: list[Candidate], alignment: Alignment | None, s: Settings
) -> np.ndarray:
    """The feature vector (FEATURES) of the candidate whose grounded groups are ``leaders``."""
    best = leaders[0]
    versions = [c for c in [best, *best.members] if len(c.sent_cos)]
    top = float(best.sent_scores.max())
    others = [g for g in groups if g is not best] or leaders[1:]
    gap = top - float(others[0].sent_scores.max()) if others else 0.1
    text = group_text(best)
    terms = list(query.terms)
    verbatim = sum(found_verbatim(t, text) for t in terms) / len(terms) if terms else 1.0
    first = sentence_text(best, best.best_sentence)
    if query.kind == "date":
        kind_ok = float(gives_date(first))
    elif query.kind == "number":
        kind_ok = float(bool(DIGITS.search(first)))
    else:
        kind_ok = 1.0
    cosines = [float(c.sent_cos.max()) for c in versions]
    return np.array(
        [
            float(best.sent_cos.max()),
            top,
            min(gap, 0.1),
            0.0,  # strict: set by candidate()
            float(float(best.sent_cos.max()) >= s.decision("min_relevance")),
            _pull(best, query, s),
            verbatim,
            kind_ok,
            _foreign(best, query, alignment, s),
            len(versions) / 4,
            max(cosines) - min(cosines),
            math.log(1 + len(first)),
            best.best_sentence / max(1, len(best.sentences)),
        ]
    )


def candidate(query: Query, groups: list[Candidate], alignment: Alignment, s: Settings) -> Decided:
    """The hand rules' answer, the candidate answer and its features, from one search's ``groups``."""
    strict = ground(query, groups, alignment, s)
    hand = extractive_answer(query, strict, alignment, s)
    leaders = strict or ground(query, groups, alignment, s.model_copy(update=LENIENT))
    if not leaders:
        return Decided(None, None, hand)
    x = features(query, leaders, groups, alignment, s)
    x[FEATURES.index("strict")] = float(bool(strict))
    if hand.answered:
        return Decided(hand, x, hand)
    floor = min(s.decision("min_relevance"), float(leaders[0].sent_cos.max()))
    answer = extractive_answer(query, leaders, alignment, s.model_copy(update={"min_relevance": floor}))
    return Decided(answer, x, hand)


def as_dict(x: np.ndarray) -> dict[str, Any]:
    return {name: round(float(v), 5) for name, v in zip(FEATURES, x, strict=True)}
