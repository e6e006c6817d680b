"""python -m eval: score rag.ask on the gold set (offline default) and print the figures."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.gold import GOLD_FILE, load_gold
from eval.score import ItemScore, score_item, summarise


def run(
    gold: Path, settings_overrides: dict[str, object], progress: bool = True, llm: bool = False
) -> dict[str, Any]:
    import rag

    settings = rag.get_settings(**settings_overrides)
    if llm and not settings.llm_model:
        raise SystemExit("--llm needs a chat model: set RAG_LLM_MODEL and OPENAI_BASE_URL (see the README)")
    if not llm:
        settings = settings.model_copy(update={"llm_model": None})  # score the offline path
    items, texts = load_gold(gold, Path(settings.docs_dir))
    rag.ingest(settings=settings, progress=progress)
    cache: dict[str, str] = {}

    def doc_text(doc_id: str) -> str:
        if doc_id not in cache:
            cache[doc_id] = (Path(settings.docs_dir) / doc_id).read_bytes().decode("utf-8")
        return cache[doc_id]

    rag.ask("warm-up question", settings=settings)  # load the model outside the timings
    scores: list[ItemScore] = []
    for item in tqdm(items, desc="eval", unit="q", disable=not progress):
        history = [m.model_dump() for m in item.history] or None
        t0 = time.perf_counter()
        answer = rag.ask(item.question, history=history, settings=settings)
        ms = (time.perf_counter() - t0) * 1000
        scores.append(score_item(item, answer, texts, doc_text, ms))
    by_lang: dict[str, list[ItemScore]] = defaultdict(list)
    by_kind: dict[str, list[ItemScore]] = defaultdict(list)
    for s in scores:
        by_lang[s.lang].append(s)
        by_kind[s.kind].append(s)
    overall = summarise(scores)
    if llm:
        overall["degraded"] = sum(s.degraded for s in scores)
        overall["model_sentences_dropped"] = sum(s.unsupported for s in scores)
        overall["model_markers_dropped"] = sum(s.dropped_markers for s in scores)
    return {
        "overall": overall,
        "by_lang": {k: summarise(v) for k, v in sorted(by_lang.items())},
        "by_kind": {k: summarise(v) for k, v in sorted(by_kind.items())},
        "failures": [s.__dict__ for s in scores if s.correct is False or s.refusal_ok is False],
    }


COLUMNS = [
    "n",
    "answer_accuracy",
    "citation_precision",
    "support_hit",
    "verbatim",
    "refusal_accuracy",
    "false_refusal",
    "latency_ms_p50",
    "latency_ms_p95",
]


def table(rows: dict[str, dict[str, Any]]) -> str:
    head = "| | " + " | ".join(COLUMNS) + " |"
    sep = "|---" * (len(COLUMNS) + 1) + "|"
    body = [
        "| " + name + " | " + " | ".join("-" if r.get(c) is None else str(r.get(c)) for c in COLUMNS) + " |"
        for name, r in rows.items()
    ]
    return "\n".join([head, sep, *body])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
    parser.add_argument("--gold", type=Path, default=GOLD_FILE)
    parser.add_argument("--index", help="index folder (default: the configured RAG_INDEX_DIR)")
    parser.add_argument("--json", type=Path, help="write the full result here")
    parser.add_argument(
        "--llm", action="store_true", help="score the chat-model path (RAG_LLM_MODEL must be set)"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a setting, e.g. --set min_relevance=0.8",
    )
    args = parser.parse_args(argv)
    overrides: dict[str, object] = dict(kv.split("=", 1) for kv in args.set)
    if args.index:
        overrides["index_dir"] = args.index
    result = run(args.gold, overrides, llm=args.llm)
    rows = {
        "all": result["overall"],
        **{f"lang={k}": v for k, v in result["by_lang"].items()},
        **{f"kind={k}": v for k, v in result["by_kind"].items()},
    }
    print(table(rows))
    fails = result["failures"]
    print(f"\nfailing items: {len(fails)}")
    for f in fails:
        print(f"- {f['id']} ({f['kind']}, {f['lang']}): {' '.join(f['text'].split())[:160]}")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(json.dumps(result["overall"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
