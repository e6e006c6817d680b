"""A candidate passage: one chunk of a document with its sentences, scored against one query.

Immutable: scoring makes a new Candidate (``scored``), grouping makes new ones with their translations
(``rag.retrieval.groups``); nothing is changed in place as it travels through the stages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import numpy as np

from rag.index.records import sentence_id
from rag.index.store import Record
from rag.types import Passage

_EMPTY = np.zeros(0, np.float32)


@dataclass(frozen=True, eq=False)
class Candidate:
    chunk_id: str
    doc_id: str
    language: str
    start: int
    end: int
    text: str
    header: str  # the document's subject, embedded with the chunk (see ingestion.pipeline.context_header)
    position: int
    sentences: tuple[tuple[int, int], ...]
    cos: float  # raw cosine of question and chunk
    score: float = 0.0  # centred chunk score + weight x centred best-sentence score
    vec: np.ndarray = field(default_factory=lambda: _EMPTY, repr=False)
    sent_vecs: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32), repr=False)
    sent_scores: np.ndarray = field(default_factory=lambda: _EMPTY, repr=False)  # centred
    sent_cos: np.ndarray = field(default_factory=lambda: _EMPTY, repr=False)  # raw
    group: str | None = None
    members: tuple[Candidate, ...] = ()  # translations, when this one leads a group
    # where its text came from: ((offset, page or 0, label), ...) (pages, headings; cite.make_citation)
    locators: tuple[tuple[int, int, str], ...] = ()

    @property
    def best_sentence(self) -> int:
        return int(np.argmax(self.sent_scores)) if len(self.sent_scores) else 0

    def sentence_id(self, i: int) -> str:
        return sentence_id(self.chunk_id, *self.sentences[i])

    def to_passage(self) -> Passage:
        return Passage(
            doc_id=self.doc_id,
            start=self.start,
            end=self.end,
            text=self.text,
            score=round(float(self.score), 4),
            language=self.language,
            group=self.group,
            translations=tuple(m.to_passage() for m in self.members),
        )


def from_record(chunk_id: str, lang: str, rec: Record, cos: float, score: float) -> Candidate:
    """A chunk read from the index, with its raw cosine and centred chunk score (sentences not scored)."""
    meta = rec.metadata
    return Candidate(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        language=lang,
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=rec.text,
        header=str(meta.get("header", "")),
        position=int(meta.get("position", 0)),
        sentences=tuple((int(a), int(b)) for a, b in json.loads(str(meta["sentences"]))),
        cos=cos,
        score=score,
        vec=rec.vector,
        locators=tuple(
            (int(o), int(p), str(lab)) for o, p, lab in json.loads(str(meta.get("locators") or "[]"))
        ),
    )


def with_sentences(
    c: Candidate, vecs: dict[str, np.ndarray], qvec: np.ndarray, offset: float, weight: float
) -> Candidate:
    """``c`` with its sentences scored: raw cosines, centred by ``offset`` (the question's similarity to
    the language's mean sentence), and ``weight`` times the best one added to the chunk's score."""
    sent_vecs = np.vstack([vecs[c.sentence_id(i)] for i in range(len(c.sentences))])
    sent_cos = sent_vecs @ qvec
    sent_scores = sent_cos - offset
    return replace(
        c,
        score=c.score + weight * float(sent_scores.max()),
        sent_vecs=sent_vecs,
        sent_cos=sent_cos,
        sent_scores=sent_scores,
    )
