"""Citations: verified spans, the translations of a cited sentence found in a group, and the notes on
where those translations differ.

Imports: ``rag.retrieval`` (Candidate), ``rag.translations`` (alignment, notes).
"""

from __future__ import annotations

from dataclasses import replace

from rag.retrieval.candidates import Candidate
from rag.translations.align import Alignment
from rag.translations.notes import note
from rag.types import Answer, Citation, Disagreement, Passage


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


def cite_group(
    cand: Candidate, i: int, pool: list[Candidate], alignment: Alignment, prefer: str
) -> list[Citation]:
    """The sentence and its translations, together under one group id, the one in ``prefer`` first."""
    s, e = cand.sentences[i]
    group, translations = translated_citations(cand, i, pool, alignment)
    if not translations:
        return [make_citation(cand, s, e, None)]
    cites = [make_citation(cand, s, e, group)] + [replace(c, group=group) for c in translations]
    cites.sort(key=lambda c: c.language != prefer)  # stable: otherwise the retrieval order
    return cites


def disagreements(citations: list[Citation], alignment: Alignment, language: str) -> list[Disagreement]:
    """What the translations of the cited sentences disagree on (found at ingest), noted in ``language``."""
    out: list[Disagreement] = []
    seen: set[str] = set()
    for c in citations:
        gid = alignment.group(c.doc_id, c.start, c.end)
        if gid is None or gid in seen:
            continue
        seen.add(gid)
        for f in alignment.findings(gid):
            langs = {d: alignment.sentences[d]["language"] for d in f.values}
            text = note(f.kind, f.values, langs, language, f.about)
            out.append(Disagreement(kind=f.kind, group=c.group or gid, values=f.values, note=text))
    return out


def passage_disagreements(passage: Passage, alignment: Alignment, language: str) -> list[Disagreement]:
    """The disagreements of every sentence of a retrieved passage (as if each were cited)."""
    info = alignment.sentences.get(passage.doc_id, {})
    spans = [(s, e) for s, e in info.get("spans", []) if passage.start <= s and e <= passage.end]
    cites = [Citation(passage.doc_id, "", s, e, passage.language) for s, e in spans]
    return disagreements(cites, alignment, language)


def with_notes(answer: Answer, alignment: Alignment, language: str) -> Answer:
    """``answer`` with the disagreements of its cited groups, each said in one line of its text."""
    found = disagreements(answer.citations, alignment, language)
    if not found:
        return replace(answer, disagreements=[])
    return replace(answer, disagreements=found, text="\n".join([answer.text, *(d.note for d in found)]))
