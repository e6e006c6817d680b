"""python -m eval.risk: risk and coverage, what a refusal threshold buys, for the product and the baselines.

Accuracy of the answered questions as the threshold moves (a wrong answer costs a user more than a
refusal, so the operating point sits where accuracy of the answered stops paying for lost coverage):

- ``gold``: the gold set, the product at several ``min_relevance`` values (``rag.ask`` per value, exact),
  the vector baseline at several similarity floors and the BM25 baseline at several score floors.
- ``closed``: closed.py (XQuAD dev half; measured, never trained on). Run closed.py once per system with
  this module, which answers as the system does and records, per question, what it would answer at each
  threshold (product) or its score (baselines), then ``python -m eval.risk closed`` reads them::

      RISK_SYSTEM=product RISK_SIDE=/tmp/r/product.jsonl \\
          python ../shared/xquad/closed.py --module eval.risk --json /tmp/r/product.json
      (the same with RISK_SYSTEM=nearest and RISK_SYSTEM=bm25)
      python -m eval.risk closed --dir /tmp/r

``render`` writes eval/reports/risk.md and risk.png from the JSON the other two wrote.
"""

from __future__ import annotations

import argparse
import json
import os
import unicodedata
from pathlib import Path
from typing import Any

REPORTS = Path(__file__).resolve().parent / "reports"
# the product's min_relevance values swept, beside the settings' own (``thresholds``)
THRESHOLDS = (0.0, 0.72, 0.74, 0.75, 0.76, 0.77, 0.78, 0.79, 0.8, 0.81, 0.82, 0.84, 0.86)
# the baselines answer a share of the questions: their score floors are taken at these quantiles
QUANTILES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
DEV = Path(__file__).resolve().parents[2] / "shared" / "xquad" / "dev.json"


def _norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).casefold().split())


# -- closed.py: a module it imports (ingest / retrieve / ask), recording a side file ---------------

_STATE: dict[str, Any] = {}


def thresholds(settings: Any) -> list[float]:
    """The swept values and the one the settings resolve to (the shipped calibration's by default)."""
    return sorted({*THRESHOLDS, settings.decision("min_relevance")})


def _system() -> Any:
    if "m" not in _STATE:
        name = os.environ.get("RISK_SYSTEM", "product")
        import importlib

        module = {"product": "rag", "nearest": "baselines.nearest_sentence", "bm25": "baselines.bm25"}[name]
        _STATE["name"], _STATE["m"] = name, importlib.import_module(module)
        _STATE["side"] = open(os.environ["RISK_SIDE"], "w", encoding="utf-8")  # noqa: SIM115
    return _STATE["m"]


def ingest() -> Any:
    return _system().ingest()


def retrieve(question: str, k: int = 10) -> Any:
    return _system().retrieve(question, k=k)


def ask(question: str) -> Any:
    m = _system()
    record: dict[str, Any] = {"q": question}
    if _STATE["name"] == "product":
        # min_relevance changes only the extractive answer, not what is found and grounded: find once,
        # answer at every threshold (the answer returned is the one at the settings' own value)
        from rag import api
        from rag.answer.calibration import resolve
        from rag.answer.extractive import extractive_answer
        from rag.settings import get_settings

        s = resolve(get_settings(llm_model=None))
        f = api._find(question, None, s)
        answer = extractive_answer(f.query, f.groups, f.alignment, s)
        record["by_threshold"] = {
            str(t): _said(
                extractive_answer(f.query, f.groups, f.alignment, s.model_copy(update={"min_relevance": t}))
            )
            for t in thresholds(s)
        }
    else:
        answer = m.ask(question)
        hits = m.retrieve(question, k=1)
        record["score"] = float(hits[0].score) if hits else 0.0
        record["text"], record["answered"] = answer.text, bool(answer.answered)
    _STATE["side"].write(json.dumps(record, ensure_ascii=False) + "\n")
    _STATE["side"].flush()
    return answer


def _said(answer: Any) -> list[Any]:
    return [bool(answer.answered), answer.text]


def _closed_table(
    rows: list[dict[str, Any]],
    side: list[dict[str, Any]],
    system: str,
    gold: dict[str, dict[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """One row per (question language, threshold): right, wrong, misses refused, accuracy of answered."""
    if gold is None:
        paragraphs = json.loads(DEV.read_text("utf-8"))["paragraphs"]
        gold = {q["qid"]: q["answer"] for p in paragraphs for q in p["qas"]}
    if len(rows) != len(side):
        raise SystemExit(f"{system}: {len(rows)} closed.py rows but {len(side)} side records: not one run")
    said: list[tuple[dict[str, Any], dict[str, tuple[bool, str]]]] = []
    if side and "by_threshold" in side[0]:  # the product (under any settings): answers per threshold
        said = [
            (r, {t: (a, txt) for t, (a, txt) in s["by_threshold"].items()})
            for r, s in zip(rows, side, strict=True)
        ]
        points = list(side[0]["by_threshold"])  # the thresholds of that run
    else:
        scores = sorted(s["score"] for s in side)
        floors = [
            scores[min(int(q * len(scores)), len(scores) - 1)] if q else float("-inf") for q in QUANTILES
        ]
        points = [f"{f:.4g}" for f in floors]
        said = [
            (
                r,
                {
                    p: (s["answered"] and s["score"] >= f, s["text"])
                    for p, f in zip(points, floors, strict=True)
                },
            )
            for r, s in zip(rows, side, strict=True)
        ]
    out = []
    for ql in ("en", "other"):
        mine = [(r, d) for r, d in said if r["q_lang"] == ql]
        for point in points:
            facts = [(r, d[point]) for r, d in mine if r["kind"] == "fact"]
            if not facts:
                continue
            misses = [d[point] for r, d in mine if r["kind"] == "miss"]
            ok = [a and _norm(gold[r["qid"]][r["doc_lang"]]) in _norm(t) for r, (a, t) in facts]
            answered = sum(a for _, (a, _) in facts) + sum(a for a, _ in misses)
            out.append(
                {
                    "system": system,
                    "q": ql,
                    "threshold": point,
                    "right": round(sum(ok) / len(facts), 3),
                    "wrong": round(sum(a for _, (a, _) in facts) / len(facts) - sum(ok) / len(facts), 3),
                    "misses_refused": round(sum(not a for a, _ in misses) / max(len(misses), 1), 3),
                    "answered_accuracy": round(sum(ok) / answered, 3) if answered else None,
                    "answered": round(answered / (len(facts) + len(misses)), 3),
                }
            )
    return out


def closed(folder: Path, gold: dict[str, dict[str, str]] | None = None) -> list[dict[str, Any]]:
    """Every ``<system>.json`` closed.py wrote in ``folder`` with its ``<system>.jsonl`` side file: the
    product first, then other product runs (``product-*``, other settings), then the baselines."""
    names = sorted(p.stem for p in folder.glob("*.jsonl") if (folder / f"{p.stem}.json").exists())
    order = {"product": 0, "nearest": 2, "bm25": 3}
    table = []
    for system in sorted(names, key=lambda n: (order.get(n, 1), n)):
        rows_file, side_file = folder / f"{system}.json", folder / f"{system}.jsonl"
        rows = json.loads(rows_file.read_text("utf-8"))["rows"]
        side = [json.loads(line) for line in side_file.read_text("utf-8").splitlines() if line.strip()]
        table += _closed_table(rows, side, system, gold)
    return table


# -- the gold set ------------------------------------------------------------------------------------


def gold(limit: int | None = None) -> list[dict[str, Any]]:
    from eval.baselines.vector import VectorBaseline
    from eval.gold import GOLD_FILE, load_gold
    from eval.runner import run_system
    from eval.systems import Product, make_system
    from rag.answer.calibration import resolve
    from rag.ingestion.documents import detect_language
    from rag.settings import get_settings

    settings = resolve(get_settings(llm_model=None))
    docs = Path(settings.docs_dir)
    items, texts = load_gold(GOLD_FILE, docs)
    items = items[:limit] if limit else items
    languages = {doc: detect_language(text) for doc, text in texts.items()}
    table = []

    def add(system: str, point: str, result: dict[str, Any]) -> None:
        o = result["overall"]
        row = {"system": system, "threshold": point, **{k: o.get(k) for k in _GOLD_KEYS}}
        covered = 1 - (o.get("false_refusal") or 0.0)
        row["coverage"] = round(covered, 3)
        row["answered_accuracy"] = round((o.get("answer_accuracy") or 0.0) / covered, 3) if covered else None
        table.append(row)

    for t in thresholds(settings):
        system = Product(settings.model_copy(update={"min_relevance": t}))
        add("product", str(t), run_system(system, items, texts, docs, languages, progress=False))
    vector = make_system("vector", settings)
    assert isinstance(vector, VectorBaseline)
    vector.ingest()
    sims = sorted(vector.top_similarity(i.question) for i in items)
    for q in QUANTILES:
        vector.min_similarity = sims[int(q * len(sims))] if q else float("-inf")
        add(
            "vector", f"{vector.min_similarity:.4g}", run_system(vector, items, texts, docs, languages, False)
        )
    bm25 = make_system("bm25", settings)
    bm25.ingest()
    tops = sorted(_top_score(bm25, i.question) for i in items)
    for q in QUANTILES:
        floor = tops[int(q * len(tops))] if q else float("-inf")
        result = run_system(_Floored(bm25, floor), items, texts, docs, languages, progress=False)
        add("bm25", f"{floor:.4g}", result)
    return table


def _top_score(system: Any, question: str) -> float:
    hits = system.retrieve(question, k=1)
    return float(hits[0].score) if hits else 0.0


class _Floored:
    """A baseline that refuses when its top retrieval score is under ``floor`` (its ingest already run)."""

    def __init__(self, inner: Any, floor: float) -> None:
        self.inner, self.floor, self.name = inner, floor, inner.name

    def ingest(self) -> None:
        return None

    def retrieve(self, question: str, k: int = 10) -> list[Any]:
        return list(self.inner.retrieve(question, k=k))

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Any:
        from rag.types import Answer

        if _top_score(self.inner, question) < self.floor:
            return Answer(text="The documents do not say.", answered=False, citations=[], query=question)
        return self.inner.ask(question, history=history)


_GOLD_KEYS = ("answer_accuracy", "citation_precision", "refusal_accuracy", "false_refusal")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.risk", description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    c = sub.add_parser("closed")
    c.add_argument("--dir", type=Path, required=True)
    g = sub.add_parser("gold")
    g.add_argument("--limit", type=int)
    sub.add_parser("render")
    a = parser.parse_args(argv)
    if a.what == "render":
        from eval.risk_report import render

        render(REPORTS)
        return 0
    table = closed(a.dir) if a.what == "closed" else gold(a.limit)
    out = REPORTS / f"risk-{a.what}.json"
    out.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for row in table:
        print(json.dumps(row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
