"""The report's sections that come from side runs: XQuAD, the translation suite, the flags on XQuAD's
professional translations."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.baselines.vector import MIN_SIMILARITY
from eval.tables import table

REPORTS_DIR = Path(__file__).resolve().parent / "reports"

XQ_COLUMNS = [
    ("n", "n"),
    ("hit@1", "hit@1"),
    ("hit@5", "hit@5"),
    ("hit@10", "hit@10"),
    ("mrr@10", "MRR@10"),
    ("answer_contains", "ans"),
    ("answered", "answered"),
    ("ingest_s", "ingest s"),
    ("retrieve_ms_p50", "retrieve p50 ms"),
    ("ask_ms_p50", "ask p50 ms"),
]


PUBLISHED_XQUAD = "\n".join(
    [
        "| questions | hit@1 | hit@5 | hit@10 | MRR@10 | ans | answered | ingest s | retrieve p50 ms |",
        "|---|---|---|---|---|---|---|---|---|",
        "| en | 0.853 | 0.984 | 0.995 | 0.913 | 0.619 | 0.823 | 69 | 60 |",
        "| other | 0.726 | 0.946 | 0.970 | 0.822 | 0.435 | 0.663 | 80 | 74 |",
    ]
)

VECTOR_XQUAD_NOTE = (
    f"The vector baseline's refusal threshold (top cosine >= {MIN_SIMILARITY}) was calibrated once, on "
    "the gold set, whose default chunks are long; it was not recalibrated for XQuAD, so its `answered` "
    "and `ans` there rest on a threshold set on other documents (its hit@k does not depend on it)."
)


def xquad_section(records: list[dict[str, Any]], fresh: bool) -> str:
    if not records:
        return "Not run (`python -m eval --report --xquad`)."
    rows = [([r["system"], r["qlang"]], r["summary"]) for r in records]
    out = [table(rows, ["system", "questions"], XQ_COLUMNS), ""]
    whens = sorted({r["when"] for r in records})
    origin = "run with this report" if fresh else "cached; `--xquad` reruns them"
    loads = [x for r in records for x in r.get("load", [])]
    load = f"; load average {min(loads):.1f}-{max(loads):.1f}" if loads else ""
    out.append(f"Runs finished from {whens[0]} to {whens[-1]}{load} ({origin}). From the project root:")
    out += ["", "```sh", *sorted({r["command"] for r in records}), "```"]
    limited = [f"{r['system']}/{r['qlang']} (first {r['limit']})" for r in records if r.get("limit")]
    if limited:
        out.append(f"\nLimited runs, not the whole dev half: {', '.join(limited)}.")
    out += ["", "Published in NOTES.md for the product (same harness, earlier code):", "", PUBLISHED_XQUAD]
    vector = [r for r in records if r["system"] == "vector" and r["summary"].get("answered")]
    if vector:
        shares = ", ".join(
            f"{r['qlang']} {r['summary']['answer_contains'] / r['summary']['answered']:.2f}" for r in vector
        )
        out += [
            "",
            f"{VECTOR_XQUAD_NOTE} Of the questions it did answer, the share containing the gold "
            f"answer (ans / answered): {shares}.",
        ]
    return "\n".join(out)


def perturb_section(out_dir: Path = REPORTS_DIR) -> str:
    """The translation suite's tables (alignment, detection per kind, false flags), as last run."""
    md = out_dir / "perturb.md"
    if not md.is_file():
        return "Not run (`python -m eval --report --perturb`)."
    body = md.read_text(encoding="utf-8").split("\n", 2)[-1].strip()
    when = _generated(out_dir / "perturb.json", md)
    intro = f"From {when}. Alignment against `eval/alignment_gold.json`; each case edits one translation."
    return f"{intro}\n\n{body}"


def xquad_flags_section(out_dir: Path = REPORTS_DIR) -> str:
    """Flags raised on XQuAD's professional translations (eval/xquad_flags.py), as last run."""
    md = out_dir / "xquad-flags.md"
    if not md.is_file():
        return "Not run (`python -m eval.xquad_flags --md eval/reports/xquad-flags.md`)."
    when = _generated(out_dir / "xquad-flags.json", md)
    intro = (
        f"From {when}. Each XQuAD dev article in en, de, el, hi and vi is "
        "one document per language; these translations were made to say the same thing, so every flag "
        "below was read by hand (see NOTES.md for the verdicts)."
    )
    return f"{intro}\n\n{md.read_text(encoding='utf-8').strip()}"


def _generated(js: Path, md: Path) -> str:
    """When a side run was made: as it recorded it (a checkout resets file times), else the file's time."""
    try:
        stamp = json.loads(js.read_text(encoding="utf-8")).get("generated")
    except (OSError, ValueError):
        stamp = None
    if stamp:
        return str(stamp)
    return datetime.fromtimestamp(md.stat().st_mtime, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
