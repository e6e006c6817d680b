"""Scoring one answer against its gold item, and the summary over many."""

from __future__ import annotations

import statistics
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from eval.gold import GoldItem, passage_span
from rag.verify import numbers


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
    item: GoldItem, answer: Any, texts: dict[str, str], doc_text: Any, latency_ms: float
) -> ItemScore:
    """``doc_text(doc_id)`` returns a document's text as read, to check each quote against."""
    spans = [(s.doc, *passage_span(texts[s.doc], s.anchor)) for s in item.support]
    supported = verbatim = 0
    for c in answer.citations:
        if any(c.doc_id == d and s <= c.start and c.end <= e for d, s, e in spans):
            supported += 1
        if doc_text(c.doc_id)[c.start : c.end] == c.quote:
            verbatim += 1
    answerable = item.answerable
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
    )


def _share(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
    return ordered[k]


def summarise(scores: list[ItemScore]) -> dict[str, Any]:
    answerable = [s for s in scores if s.correct is not None]
    unanswerable = [s for s in scores if s.refusal_ok is not None]
    cites = sum(s.citations for s in answerable)
    all_cites = sum(s.citations for s in scores)
    lat = [s.latency_ms for s in scores]
    return {
        "n": len(scores),
        "answer_accuracy": _share([bool(s.correct) for s in answerable]),
        "citation_precision": round(sum(s.citations_supported for s in answerable) / cites, 3)
        if cites
        else None,
        "support_hit": _share([bool(s.support_hit) for s in answerable]),
        "verbatim": round(sum(s.citations_verbatim for s in scores) / all_cites, 3) if all_cites else None,
        "refusal_accuracy": _share([bool(s.refusal_ok) for s in unanswerable]),
        "false_refusal": _share([not s.answered for s in answerable]),
        "latency_ms_p50": round(statistics.median(lat), 1) if lat else None,
        "latency_ms_p95": round(percentile(lat, 95), 1) if lat else None,
    }
