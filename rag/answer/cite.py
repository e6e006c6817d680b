"""Citations: verified spans, and the translations of a cited sentence found in a group."""

from __future__ import annotations

from rag.retrieval.search import Candidate
from rag.translations.align import Alignment
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
    # the page and heading path where the quote starts (a PDF's, a DOCX's; none for plain text)
    at = [loc for loc in c.locators if loc[0] <= start]
    page, label = (at[-1][1] or None, at[-1][2] or None) if at else (None, None)
    return Citation(
        doc_id=c.doc_id,
        quote=quote,
        start=start,
        end=end,
        language=c.language,
        group=group,
        page=page,
        locator=label,
    )


def translated_citations(
    cand: Candidate, i: int, pool: list[Candidate], alignment: Alignment
) -> tuple[str | None, list[Citation]]:
    """The alignment group of sentence ``i`` of ``cand`` and citations of its translations in ``pool``.

    The translations were aligned at ingest (align.py); here each is cited from the retrieved chunk
    that holds it, so that its quote is checked like any other.
    """
    s, e = cand.sentences[i]
    cites = []
    for doc_id, spans in alignment.translations(cand.doc_id, s, e).items():
        for ms, me in spans:
            holder = next((c for c in pool if c.doc_id == doc_id and c.start <= ms and me <= c.end), None)
            if holder is not None:
                cites.append(make_citation(holder, ms, me, None))
    return alignment.group(cand.doc_id, s, e), cites


def with_marker(sentence: str, n: int) -> str:
    """``sentence`` with ``[n]`` before its closing punctuation: "... 2025 [1]." """
    end = len(sentence.rstrip(".!?।;。！？"))
    return f"{sentence[:end]} [{n}]{sentence[end:]}"
