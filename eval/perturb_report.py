"""The translation suite's scoring: which flags detect a case, the summary per kind of change and its
table (``python -m eval.perturb``)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eval.perturb import Case


def flags_of(alignment: Any) -> list[dict[str, Any]]:
    return [f.to_json() for found in alignment.differences.values() for f in found]


def detected(case: Case, flags: list[dict[str, Any]]) -> bool:
    """Whether a flag of the case's kind names the edited document with what it now says."""
    for f in flags:
        if f["kind"] != case.kind:
            continue
        value = f["values"].get(case.doc)
        if case.kind == "missing" and value == "":
            return True
        if case.kind != "missing" and value and (not case.new.strip() or _core(case) in value):
            return True
    return False


def _core(case: Case) -> str:
    """The part of the new text that differs from the old (what the flag should quote)."""
    old, new = case.old, case.new
    s = 0
    while s < min(len(old), len(new)) and old[s] == new[s]:
        s += 1
    e = 0
    while e < min(len(old), len(new)) - s and old[-1 - e] == new[-1 - e]:
        e += 1
    return new[s : len(new) - e] or new


def summarise(
    tp: int,
    fp: int,
    fn: int,
    clean_flags: list[Any],
    base_flags: list[Any],
    interview: list[Any],
    results: list[Any],
) -> dict[str, Any]:
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for r in results:
        by_kind[r["kind"]].append(r["detected"])
    # alignment on the cases that change sentence boundaries is scored too (against the gold, whose
    # dropped or merged sentences simply find no partner)
    for r in results:
        a, b, c = r["alignment"]
        tp, fp, fn = tp + a, fp + b, fn + c
    return {
        "alignment_precision": round(tp / max(tp + fp, 1), 3),
        "alignment_recall": round(tp / max(tp + fn, 1), 3),
        "alignment_pairs": {"true": tp, "false": fp, "missed": fn},
        "false_flags_clean_seeds": len(clean_flags),
        "false_flags_with_added_numbers": len(base_flags),
        "interview_aligned_with": len(interview),
        "detection_recall": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_kind.items())},
        "cases": results,
        "clean_flags": clean_flags + base_flags,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        "| measure | value |",
        "|---|---|",
        f"| alignment precision | {result['alignment_precision']} |",
        f"| alignment recall | {result['alignment_recall']} |",
        "| the seeds' real difference (German Nordchina) flagged | "
        f"{len(result.get('real_flags', []))} of 2 sentence groups |",
        f"| false flags on the clean seeds | {result['false_flags_clean_seeds']} |",
        f"| false flags with the added sentence of numbers | {result['false_flags_with_added_numbers']} |",
        f"| pairs aligning the interview | {result['interview_aligned_with']} |",
    ]
    lines += [f"| detection recall: {k} | {v} |" for k, v in result["detection_recall"].items()]
    lines += [
        "",
        "| case | expected flag | detected | other flags | pairs re-aligned |",
        "|---|---|---|---|---|",
    ]
    for r in result["cases"]:
        others = ", ".join(f["kind"] for f in r["other_flags"]) or "-"
        lines.append(f"| {r['case']} | {r['kind']} | {r['detected']} | {others} | {r['realigned_pairs']} |")
    return "\n".join(lines)
