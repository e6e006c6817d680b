"""python -m eval.learned_decision: a small learned answer-or-refuse decision against the hand rules.

Features of the candidate answer (``eval.decision_features``) feed a logistic regression
(``eval.learned_model``: numpy, L2) that gives P(the extractive answer is right); the decision answers
iff P >= a threshold chosen by the objective right - 2 x wrong on the training questions' out-of-fold
predictions. Trained ONLY on the gold set (eval/gold.jsonl over seeds/) and on synthetic close misses
made from it (``eval.close_misses``); never on XQuAD (its terms forbid it).

    RAG_INDEX_DIR=/tmp/x python -m eval.learned_decision collect --out /tmp/x/gold.jsonl
    python -m eval.learned_decision cv --rows /tmp/x/gold.jsonl --variant portable   # held-out folds
    python -m eval.learned_decision fit --rows /tmp/x/gold.jsonl --variant portable \\
        --model /tmp/x/portable.json

closed.py, measured once (both decisions from one search per question; closed.py's own figures are
the hand rules', each learned model's, named by its file's stem, go to a side file; LEARNED_MODEL may
list several, separated by ``os.pathsep``)::

    LEARNED_MODEL=/tmp/x/portable.json LEARNED_SIDE=/tmp/x/side.jsonl \\
        python ../shared/xquad/closed.py --module eval.learned_decision --json /tmp/x/closed.json
    python -m eval.learned_decision closed --rows /tmp/x/closed.json --side /tmp/x/side.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np

from eval.learned_model import counts, outcomes, predict, probabilities, train

FOLDS = 5
GOLD = Path(__file__).resolve().parent / "gold.jsonl"
DEV = Path(__file__).resolve().parents[2] / "shared" / "xquad" / "dev.json"
# "portable": without the features that are constant on a collection without translations (XQuAD's
# paragraphs are each in one language; the gold set's article has four versions, its interview one)
VARIANTS = {"full": (), "portable": ("versions", "spread")}


# -- collecting the rows: one search per question ------------------------------------------------------


def collect(out: Path) -> None:
    from eval.close_misses import close_misses
    from eval.decision_features import candidate
    from rag import api
    from rag.answer.calibration import resolve
    from rag.calibrate import folds_of, judge, read_questions, supporting_spans
    from rag.settings import get_settings

    s = resolve(get_settings())
    api.ensure_index(s)
    items = read_questions(GOLD)
    raw = {json.loads(line)["id"]: json.loads(line) for line in GOLD.read_text("utf-8").splitlines()}
    corpus = "\n".join(api.document_text(d.doc_id, s) for d in api.documents(s))
    folds = folds_of(items, FOLDS)
    misses = close_misses(items, {k: v["lang"] for k, v in raw.items()}, corpus)
    todo: list[tuple[Any, int, str | None]] = [(item, folds[n], None) for n, item in enumerate(items)]
    todo += [(miss, folds[n], items[n].id) for n, miss in misses]
    with out.open("w", encoding="utf-8") as fh:
        for item, fold, source in todo:
            f = api.searched(item.question, item.history, s)
            c = candidate(f.query, f.groups, f.alignment, s)
            spans = supporting_spans(item, s)
            row = {
                "id": item.id,
                "source": source,
                "lang": raw[source or item.id]["lang"],
                "fold": fold,
                "answerable": item.answerable,
                "hand": judge(item, c.hand, spans),
                "candidate": judge(item, c.answer, spans) if c.answer is not None else None,
                "features": c.features.tolist() if c.features is not None else None,
                "question": item.question,
            }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(items)} gold items, {len(misses)} synthetic close misses -> {out}")


def read_rows(path: Path, variant: str = "full") -> list[dict[str, Any]]:
    """The collected rows, their features reduced to the variant's."""
    from eval.decision_features import FEATURES

    keep = [n for n, name in enumerate(FEATURES) if name not in VARIANTS[variant]]
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    for r in rows:
        if r["features"] is not None:
            r["features"] = [r["features"][n] for n in keep]
    return rows


def variant_features(variant: str) -> list[str]:
    from eval.decision_features import FEATURES

    return [name for name in FEATURES if name not in VARIANTS[variant]]


def cross_validate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Held-out folds: each fold decided by the model and threshold trained on the others."""
    learned = np.zeros(len(rows), dtype=int)
    per_fold = []
    for f in sorted({r["fold"] for r in rows}):
        model, threshold = train([r for r in rows if r["fold"] != f])
        idx = [i for i, r in enumerate(rows) if r["fold"] == f]
        mine = [rows[i] for i in idx]
        learned[idx] = outcomes(probabilities(model, mine), threshold, mine)
        per_fold.append({"fold": f, "threshold": threshold, "n": len(idx)})
    hand = np.asarray([r["hand"] for r in rows])
    answerable = np.asarray([bool(r["answerable"]) for r in rows])
    out: dict[str, Any] = {"folds": per_fold}
    for part, keep in (("gold", lambda r: r["source"] is None), ("synthetic", lambda r: r["source"])):
        mask = np.asarray([bool(keep(r)) for r in rows])
        out[part] = {}
        for lang in ("all", "en", "other"):
            lm = mask & np.asarray([lang == "all" or (r["lang"] == "en") == (lang == "en") for r in rows])
            out[part][lang] = {
                "learned": counts(learned[lm], answerable[lm]),
                "hand": counts(hand[lm], answerable[lm]),
            }
    return out


# -- closed.py: a module computing both decisions from one search ---------------------------------------

_STATE: dict[str, Any] = {}


def ingest() -> Any:
    import rag

    return rag.ingest()


def retrieve(question: str, k: int = 10) -> Any:
    import rag

    return rag.retrieve(question, k=k)


def ask(question: str) -> Any:
    from eval.decision_features import FEATURES, candidate
    from rag import api

    if "side" not in _STATE:
        paths = os.environ["LEARNED_MODEL"].split(os.pathsep)
        _STATE["models"] = {Path(p).stem: json.loads(Path(p).read_text("utf-8")) for p in paths}
        _STATE["side"] = open(os.environ["LEARNED_SIDE"], "w", encoding="utf-8")  # noqa: SIM115
    s = api._settings(None)
    f = api.searched(question, [], s)
    c = candidate(f.query, f.groups, f.alignment, s)
    record: dict[str, Any] = {"q": question, "hand": bool(c.hand.answered)}
    record["text"] = c.answer.text if c.answer is not None else ""
    record["features"] = c.features.tolist() if c.features is not None else None
    for name, model in _STATE["models"].items():
        p = 0.0
        if c.features is not None:
            x = np.asarray([c.features[FEATURES.index(n)] for n in model["features"]])
            p = float(predict(model, x)[0])
        record[name] = {"p": round(p, 4), "answered": c.answer is not None and p >= model["threshold"]}
    _STATE["side"].write(json.dumps(record, ensure_ascii=False) + "\n")
    _STATE["side"].flush()
    return c.hand


def _norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).casefold().split())


def closed_summary(rows_path: Path, side_path: Path) -> dict[str, Any]:
    """closed.py's figures for the hand rules (its own rows) and each learned model (the side file)."""
    rows = json.loads(rows_path.read_text("utf-8"))["rows"]
    side = read_rows(side_path)
    if len(rows) != len(side):
        raise SystemExit(f"{len(rows)} closed.py rows but {len(side)} side records: not one run")
    gold = {q["qid"]: q["answer"] for p in json.loads(DEV.read_text("utf-8"))["paragraphs"] for q in p["qas"]}
    decisions = {"hand": [(bool(r["answered"]), r["contains"], r["chars"]) for r in rows]}
    for name in sorted(k for k in side[0] if isinstance(side[0][k], dict)):
        decisions[name] = [
            (
                bool(sd[name]["answered"]),
                _norm(gold[r["qid"]][r["doc_lang"]]) in _norm(sd["text"]),
                len(sd["text"]),
            )
            for r, sd in zip(rows, side, strict=True)
        ]
    out: dict[str, Any] = {}
    hand = decisions["hand"]
    for name, said in decisions.items():
        if name != "hand":
            for ql in ("en", "other"):
                moved: dict[str, int] = {}
                for r, (h, _, _), (a, ok, _) in zip(rows, hand, said, strict=True):
                    if r["q_lang"] == ql and h != a:
                        what = "miss" if r["kind"] == "miss" else ("right" if ok else "wrong")
                        key = f"{what} {'refused' if h else 'answered'}"
                        moved[key] = moved.get(key, 0) + 1
                out[f"{name}/{ql}/changed from hand"] = dict(sorted(moved.items()))
        for ql in ("en", "other"):
            mine = [(r["kind"], d) for r, d in zip(rows, said, strict=True) if r["q_lang"] == ql]
            facts = [d for k, d in mine if k == "fact"]
            misses = [d for k, d in mine if k == "miss"]
            out[f"{name}/{ql}"] = {
                "answered_ok": round(sum(a and ok for a, ok, _ in facts) / len(facts), 3),
                "wrong_answer": round(sum(a and not ok for a, ok, _ in facts) / len(facts), 3),
                "refused_miss": round(sum(not a for a, _, _ in misses) / max(1, len(misses)), 3),
                "answer_chars_p50": statistics.median([c for a, _, c in facts if a] or [0]),
                "facts": len(facts),
                "misses": len(misses),
            }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m eval.learned_decision")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("collect").add_argument("--out", type=Path, required=True)
    p_cv = sub.add_parser("cv")
    p_cv.add_argument("--rows", type=Path, required=True)
    p_cv.add_argument("--variant", choices=sorted(VARIANTS), default="full")
    p_fit = sub.add_parser("fit")
    p_fit.add_argument("--rows", type=Path, required=True)
    p_fit.add_argument("--model", type=Path, required=True)
    p_fit.add_argument("--variant", choices=sorted(VARIANTS), default="full")
    p_closed = sub.add_parser("closed")
    p_closed.add_argument("--rows", type=Path, required=True)
    p_closed.add_argument("--side", type=Path, required=True)
    a = ap.parse_args()
    if a.cmd == "collect":
        collect(a.out)
    elif a.cmd == "cv":
        print(json.dumps(cross_validate(read_rows(a.rows, a.variant)), indent=1))
    elif a.cmd == "fit":
        rows = read_rows(a.rows, a.variant)
        model, threshold = train(rows)
        model.update(threshold=threshold, features=variant_features(a.variant), rows=len(rows))
        a.model.write_text(json.dumps(model, indent=1), encoding="utf-8")
        print(json.dumps(model, indent=1))
    else:
        print(json.dumps(closed_summary(a.rows, a.side), indent=1))


if __name__ == "__main__":
    main()
