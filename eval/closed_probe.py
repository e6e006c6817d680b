"""Where closed.py's answers are lost: the paragraph, the sentence, or the decision (issue 16's ceiling).

A closed.py module that answers as ``rag`` does and records, per question, the three best groups before
grounding (their sentences and scores, and how much each content word of the question pulls the
evidence: the question embedded with the word left out), then ``python -m eval.closed_probe`` reads the
record beside closed.py's rows and the dev half's answers::

    PROBE_OUT=/tmp/p/probe.jsonl python ../shared/xquad/closed.py --module eval.closed_probe \\
        --json /tmp/p/rows.json
    python -m eval.closed_probe --rows /tmp/p/rows.json --probe /tmp/p/probe.jsonl

It prints, per question language: the share of answerable questions whose best group is the gold
paragraph, whose best sentence holds the answer, whose best two sentences do, and what the product did;
then how a refusal on content words that do not pull the evidence (at several margins and shares) splits
right answers, wrong answers and answered close misses. Measurement only: nothing here is fitted.
"""

from __future__ import annotations

import argparse
import json
import os
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

DEV = Path(__file__).resolve().parents[2] / "shared" / "xquad" / "dev.json"
LANGS = ["de", "el", "hi", "vi"]
_STATE: dict[str, Any] = {}


def ingest() -> Any:
    import rag

    return rag.ingest()


def retrieve(question: str, k: int = 10) -> Any:
    import rag

    return rag.retrieve(question, k=k)


def ask(question: str) -> Any:
    from rag import api
    from rag.answer.extractive import extractive_answer
    from rag.answer.grounding import ground
    from rag.text.terms import masked_questions

    if "out" not in _STATE:
        _STATE["out"] = open(os.environ["PROBE_OUT"], "w", encoding="utf-8")  # noqa: SIM115
    s = api._settings(None)
    store = api.get_store(s)
    query = api.analyse(api.validate_question(question, s), s, doc_languages=api._languages(store))
    alignment = api.stored_alignment(store)
    groups = api._groups(query, store, alignment, s)
    answer = extractive_answer(query, ground(query, groups, alignment, s), alignment, s)
    words = query.content_words(query.text_language)
    masked = query.embed_variants(masked_questions(query.text, words), s)
    record: dict[str, Any] = {"q": question, "answered": answer.answered, "text": answer.text, "groups": []}
    for g in groups[:3]:
        chunks = [c for c in [g, *g.members] if len(c.sent_scores)]
        evidence = np.vstack([c.sent_vecs[c.best_sentence] for c in chunks])
        full = evidence @ query.vector
        record["groups"].append(
            {
                "doc": g.doc_id,
                "support": [float(np.mean(full - evidence @ v)) for v in masked],
                "sentences": [
                    [float(c.sent_scores[i]), c.text[a - c.start : b - c.start]]
                    for c in chunks
                    for i, (a, b) in enumerate(c.sentences)
                ],
            }
        )
    _STATE["out"].write(json.dumps(record, ensure_ascii=False) + "\n")
    _STATE["out"].flush()
    return answer


def _norm(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).casefold().split())


def report(rows: list[dict[str, Any]], probe: list[dict[str, Any]]) -> list[str]:
    gold = {
        q["qid"]: (p["pid"], q) for p in json.loads(DEV.read_text("utf-8"))["paragraphs"] for q in p["qas"]
    }
    out = []
    for ql in ("en", "other"):
        facts, c = 0, Counter[str]()
        answered: dict[str, list[list[float]]] = {"right": [], "wrong": [], "miss": []}
        for r, p in zip(rows, probe, strict=True):
            if r["q_lang"] != ql or not p["groups"]:
                continue
            pid, q = gold[r["qid"]]
            top = p["groups"][0]
            if r["answered"]:
                key = "miss" if r["kind"] == "miss" else ("right" if r["contains"] else "wrong")
                answered[key].append(top["support"])
            if r["kind"] != "fact":
                continue
            facts += 1
            answer = _norm(q["answer"][LANGS[pid % 4]])
            ranked = [t for _, t in sorted(top["sentences"], key=lambda x: -x[0])]
            c["best group is the gold paragraph"] += top["doc"] == f"x{pid:03d}_{LANGS[pid % 4]}.txt"
            c["best sentence holds the answer"] += any(answer in _norm(t) for t in ranked[:1])
            c["one of the best two sentences does"] += any(answer in _norm(t) for t in ranked[:2])
            c["the best group holds it somewhere"] += any(answer in _norm(t) for t in ranked)
            c["product: answered with it"] += bool(r["answered"] and r["contains"])
            c["product: answered without it"] += bool(r["answered"] and not r["contains"])
        out.append(f"## {ql} questions ({facts} answerable)")
        out += [f"- {k}: {v / facts:.3f}" for k, v in c.items()]
        out.append("- refusing where content words do not pull the evidence (refused share of each):")
        for margin in (-0.002, 0.0, 0.002):
            for share in (0.34, 0.5):
                parts = []
                for key, sups in answered.items():
                    hit = [sum(x < margin for x in s) / len(s) >= share for s in sups if s]
                    parts.append(f"{key} {sum(hit) / max(len(hit), 1):.3f}")
                out.append(f"  - margin {margin}, share >= {share}: " + ", ".join(parts))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.closed_probe", description=__doc__)
    parser.add_argument("--rows", type=Path, required=True, help="closed.py --json output")
    parser.add_argument("--probe", type=Path, required=True, help="what this module recorded")
    a = parser.parse_args(argv)
    rows = json.loads(a.rows.read_text("utf-8"))["rows"]
    probe = [json.loads(line) for line in a.probe.read_text("utf-8").splitlines() if line.strip()]
    print("\n".join(report(rows, probe)))  # a command's output
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
