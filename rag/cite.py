"""Citations: verified spans, and the translations of a cited sentence found in a group."""

from __future__ import annotations

import numpy as np

from rag.retrieval import Candidate, centred, mutual_pairs
from rag.types import Citation


class CitationError(ValueError):
    """A span that does not reproduce its quote: never shown to a user."""


def make_citation(c: Candidate, start: int, end: int, group: str | None) -> Citation:
    """A citation of ``[start, end)`` of ``c``'s document, checked against the stored chunk text."""
    if not (c.start <= start < end <= c.end):
        raise CitationError(f"span {start}-{end} is outside chunk {c.start}-{c.end} of {c.doc_id}")
    quote = c.text[start - c.start : end - c.start]
    if not quote.strip():
        raise CitationError(f"empty quote at {start}-{end} of {c.doc_id}")
    return Citation(doc_id=c.doc_id, quote=quote, start=start, end=end, language=c.language, group=group)


def aligned_sentence(
    leader: Candidate, i: int, member: Candidate, means: dict[str, np.ndarray], threshold: float
) -> int | None:
    """The sentence of ``member`` that translates sentence ``i`` of ``leader``, if there is one.

    Sentences are matched inside the two aligned chunks, as mutual nearest neighbours with each
    language's mean taken out (the same test that grouped the chunks).
    """
    a = centred(leader.sent_vecs, [means.get(leader.language)] * len(leader.sent_vecs))
    b = centred(member.sent_vecs, [means.get(member.language)] * len(member.sent_vecs))
    for x, y in mutual_pairs(a, b, threshold):
        if x == i:
            return y
    return None


def with_marker(sentence: str, n: int) -> str:
    """``sentence`` with ``[n]`` before its closing punctuation: "... 2025 [1]." """
    end = len(sentence.rstrip(".!?।;。！？"))
    return f"{sentence[:end]} [{n}]{sentence[end:]}"
