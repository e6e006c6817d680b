"""Run systems over the gold set and score them: same questions, same machine, one after the other."""

from __future__ import annotations

import os
import platform
import time
from collections import defaultdict
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.gold import GoldItem, load_gold
from eval.score import ItemScore, K, score_item, summarise
from eval.systems import System, make_system
from rag.settings import Settings

WARM_UP = "warm-up question"


def _grouped(scores: list[ItemScore], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[ItemScore]] = defaultdict(list)
    for s in scores:
        groups[str(getattr(s, key))].append(s)
    return {k: summarise(v) for k, v in sorted(groups.items())}


def run_system(
    system: System,
    items: list[GoldItem],
    texts: dict[str, str],
    docs_dir: Path,
    languages: dict[str, str],
    progress: bool = True,
) -> dict[str, Any]:
    """Ingest, warm up (model loading stays out of the timings), then ask and retrieve every item."""
    cache: dict[str, str] = {}

    def doc_text(doc_id: str) -> str:
        if doc_id not in cache:
            cache[doc_id] = (docs_dir / doc_id).read_bytes().decode("utf-8")
        return cache[doc_id]

    t0 = time.perf_counter()
    system.ingest()
    ingest_s = time.perf_counter() - t0
    system.ask(WARM_UP)
    system.retrieve(WARM_UP, k=K)
    scores: list[ItemScore] = []
    for item in tqdm(items, desc=system.name, unit="q", disable=not progress):
        history = [m.model_dump() for m in item.history] or None
        t0 = time.perf_counter()
        answer = system.ask(item.question, history=history)
        ms = (time.perf_counter() - t0) * 1000
        passages, rms = None, 0.0
        if item.answerable:
            # the standalone query the answer reports (follow-ups), else the question
            query = getattr(answer, "query", "") or item.question
            t0 = time.perf_counter()
            passages = system.retrieve(query, k=K)
            rms = (time.perf_counter() - t0) * 1000
        scores.append(score_item(item, answer, texts, doc_text, ms, passages, languages, rms))
    overall = summarise(scores)
    overall["ingest_s"] = round(ingest_s, 2)
    if any(s.degraded or s.unsupported or s.dropped_markers for s in scores):
        overall["degraded"] = sum(s.degraded for s in scores)
        overall["model_sentences_dropped"] = sum(s.unsupported for s in scores)
        overall["model_markers_dropped"] = sum(s.dropped_markers for s in scores)
    return {
        "overall": overall,
        "by_qlang": _grouped(scores, "lang"),
        "by_doclang": _grouped(scores, "doc_langs"),
        "by_kind": _grouped(scores, "kind"),
        "items": [asdict(s) for s in scores],
    }


def run(
    gold: Path,
    systems: list[str],
    settings: Settings,
    llm: bool = False,
    limit: int | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Every system on the same items; the product on the chat-model path only with ``llm``."""
    from rag.ingestion.documents import detect_language

    if llm and not settings.llm_model:
        raise SystemExit("--llm needs a chat model: set RAG_LLM_MODEL and OPENAI_BASE_URL (see the README)")
    if not llm:
        settings = settings.model_copy(update={"llm_model": None})  # score the offline path
    docs_dir = Path(settings.docs_dir)
    items, texts = load_gold(gold, docs_dir)
    items = items[:limit] if limit else items
    languages = {doc: detect_language(text) for doc, text in texts.items()}
    result: dict[str, Any] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "gold": {"file": gold.name, "items": len(items), "limit": limit},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_start": round(os.getloadavg()[0], 2),
        },
        "path": "llm" if llm else "offline",
        "llm_model": settings.llm_model if llm else None,
        "doc_languages": languages,
        "systems": {},
    }
    for name in systems:
        result["systems"][name] = run_system(
            make_system(name, settings), items, texts, docs_dir, languages, progress
        )
    result["machine"]["load_end"] = round(os.getloadavg()[0], 2)
    return result
