"""Scoring one answer against its gold item, and the summary over many.

A citation is *supported* when its span lies inside a supporting passage of the item (the line of a
supporting document that holds the gold anchor). A retrieved passage *hits* when it overlaps a
supporting passage: chunks need not follow the gold set's lines (a product chunk may join a caption
to the paragraph after it; a default llama-index chunk holds several paragraphs), so containment
would count a chunk that holds the whole passage as a miss. The median length of the retrieved
passages is reported beside hit@k because a longer passage overlaps more easily.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eval.gold import GoldItem, passage_span
from rag.llm.verify import numbers


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass
class ItemScore:
    id: str
    lang: str
    kind: str
    answered: bool
    correct: bool | None  # None for unanswerable items
    refusal_ok: bool | None  # None for answerable items
    citations: int
    citations_supported: int
    citations_verbatim: int
    support_hit: bool | None
    latency_ms: float
    degraded: bool = False
    unsupported: int = 0  # model-written sentences the verifier removed
    dropped_markers: int = 0  # model-written citation markers that pointed at no passage
    text: str = ""
    cited: list[str] = field(default_factory=list)
    question: str = ""
    doc_langs: str = "none"  # languages of the supporting documents, e.g. "de" or "de+el+hi+id"
    supporting_docs: int = 0
    cited_docs: int = 0  # supporting documents with at least one supported citation
    ranked: bool = False  # retrieval was scored (rank None then means: not in the top K)
    rank: int | None = None
    passage_chars: list[int] = field(default_factory=list)  # lengths of the retrieved passages
    retrieve_ms: float = 0.0
    # disagreement items: whether Answer.disagreements names what a differing translation says
    disagreement_flagged: bool | None = None


Span = tuple[str, int, int]  # doc_id, start, end

# How many retrieved passages count for hit@k and MRR.
K = 10


def supporting_spans(item: GoldItem, texts: dict[str, str]) -> list[Span]:
    return [(s.doc, *passage_span(texts[s.doc], s.anchor)) for s in item.support]


def cited_inside(c: Any, spans: list[Span]) -> bool:
    return any(c.doc_id == d and s <= c.start and c.end <= e for d, s, e in spans)


def overlaps(p: Any, spans: list[Span]) -> bool:
    return any(p.doc_id == d and p.start < e and s < p.end for d, s, e in spans)


def first_hit_rank(passages: Sequence[Any], spans: list[Span], k: int = K) -> int | None:
    """1-based rank of the first passage that overlaps a supporting passage; the translations grouped
    under a passage count at its rank (one fact, one rank)."""
    for rank, p in enumerate(passages[:k], start=1):
        if any(overlaps(q, spans) for q in (p, *getattr(p, "translations", ()))):
            return rank
    return None


def doc_languages(item: GoldItem, languages: dict[str, str]) -> str:
    """The languages of the item's supporting documents as one label ("none" when unanswerable)."""
    langs = sorted({languages.get(s.doc, "und") for s in item.support})
    return "+".join(langs) if langs else "none"


def _alternative_found(alt: str, norm: str, answer_numbers: set[str]) -> bool:
    """An alternative stands in the answer; one with numbers may be written with other separators
    ("523.292" in a German source is "523,292" in an English answer)."""
    if normalise(alt) in norm:
        return True
    wanted = numbers(alt)
    return bool(wanted) and wanted <= answer_numbers


def facts_found(item: GoldItem, text: str) -> bool:
    norm, nums = normalise(text), numbers(text)
    return all(any(_alternative_found(alt, norm, nums) for alt in fact) for fact in item.expect)


def score_item(
    item: GoldItem,
    answer: Any,
    texts: dict[str, str],
    doc_text: Callable[[str], str],
    latency_ms: float,
    passages: Sequence[Any] | None = None,
    languages: dict[str, str] | None = None,
    retrieve_ms: float = 0.0,
) -> ItemScore:
    """``doc_text(doc_id)`` returns a document's text as read, to check each quote against;
    ``passages`` are what the system retrieved for the item's query, best first (scores hit@k, MRR).

    Every kind but "unanswerable" is answerable (new kinds need no change here).
    """
    spans = supporting_spans(item, texts)
    supported = verbatim = 0
    cited_docs: set[str] = set()
    for c in answer.citations:
        if cited_inside(c, spans):
            supported += 1
            cited_docs.add(c.doc_id)
        if doc_text(c.doc_id)[c.start : c.end] == c.quote:
            verbatim += 1
    answerable = item.answerable
    ranked = passages is not None and answerable
    return ItemScore(
        id=item.id,
        lang=item.lang,
        kind=item.kind,
        answered=bool(answer.answered),
        correct=(bool(answer.answered) and facts_found(item, answer.text)) if answerable else None,
        refusal_ok=None if answerable else not answer.answered,
        citations=len(answer.citations),
        citations_supported=supported,
        citations_verbatim=verbatim,
        support_hit=(supported > 0) if answerable else None,
        latency_ms=latency_ms,
        degraded=bool(getattr(answer, "degraded", False)),
        unsupported=len(getattr(answer, "unsupported", [])),
        dropped_markers=int(getattr(answer, "dropped_markers", 0)),
        text=answer.text,
        cited=[f"{c.doc_id}:{c.start}-{c.end}" for c in answer.citations],
        question=item.question,
        doc_langs=doc_languages(item, languages or {}),
        supporting_docs=len({d for d, _, _ in spans}),
        cited_docs=len(cited_docs),
        ranked=ranked,
        rank=first_hit_rank(passages, spans) if ranked and passages is not None else None,
        passage_chars=[p.end - p.start for p in passages[:K]] if passages is not None else [],
        retrieve_ms=retrieve_ms,
        disagreement_flagged=flagged(item, answer) if item.disagree else None,
    )


def flagged(item: GoldItem, answer: Any) -> bool:
    """Whether one of the answer's disagreements quotes a differing text of the item (either way
    round: the flag may quote more or less of the sentence than the gold)."""
    for d in getattr(answer, "disagreements", []) or []:
        for doc_id, text in item.disagree.items():
            value = normalise(d.values.get(doc_id, ""))
            if value and (normalise(text) in value or value in normalise(text)):
                return True
    return False


def failure(s: ItemScore) -> str | None:
    """Why an item failed, or None: a wrong answer, a false refusal, an answered unanswerable
    question, or a right answer none of whose citations lies in a supporting passage."""
    if s.refusal_ok is False:
        return "answered an unanswerable question"
    if s.correct is None:
        return None
    if not s.answered:
        return "refused an answerable question"
    if not s.correct:
        return "wrong answer"
    if not s.support_hit:
        return "right answer, no citation in a supporting passage"
    return None


def _share(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
    return ordered[k]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def summarise(scores: list[ItemScore]) -> dict[str, Any]:
    answerable = [s for s in scores if s.correct is not None]
    unanswerable = [s for s in scores if s.refusal_ok is not None]
    ranked = [s for s in answerable if s.ranked]
    cites = sum(s.citations for s in answerable)
    all_cites = sum(s.citations for s in scores)
    lat = [s.latency_ms for s in scores]
    chars = [c for s in ranked for c in s.passage_chars]
    return {
        "n": len(scores),
        "answer_accuracy": _share([bool(s.correct) for s in answerable]),
        "citation_precision": round(sum(s.citations_supported for s in answerable) / cites, 3)
        if cites
        else None,
        # per item: the share of its supporting documents cited inside their supporting passage
        "citation_recall": _mean([s.cited_docs / s.supporting_docs for s in answerable if s.supporting_docs]),
        "support_hit": _share([bool(s.support_hit) for s in answerable]),
        "hit@1": _share([s.rank is not None and s.rank <= 1 for s in ranked]),
        "hit@5": _share([s.rank is not None and s.rank <= 5 for s in ranked]),
        "mrr": _mean([1 / s.rank if s.rank else 0.0 for s in ranked]),
        "passage_chars_p50": round(statistics.median(chars)) if chars else None,
        "verbatim": round(sum(s.citations_verbatim for s in scores) / all_cites, 3) if all_cites else None,
        "refusal_accuracy": _share([bool(s.refusal_ok) for s in unanswerable]),
        "false_refusal": _share([not s.answered for s in answerable]),
        "disagreement_flagged": _share(
            [bool(s.disagreement_flagged) for s in scores if s.disagreement_flagged is not None]
        ),
        "latency_ms_p50": round(statistics.median(lat), 1) if lat else None,
        "latency_ms_p95": round(percentile(lat, 95), 1) if lat else None,
    }
