"""The risk-coverage report (eval/reports/risk.md, risk.png) from what ``python -m eval.risk`` wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from eval.charts import COLOURS, _pyplot

COLOURS = {**COLOURS, "nearest": "#ef6c00", "product-hand": "#8e24aa"}
CLOSED_COLUMNS = ("right", "wrong", "misses_refused", "answered", "answered_accuracy")
GOLD_COLUMNS = ("coverage", "answered_accuracy", "answer_accuracy", "refusal_accuracy", "citation_precision")


def _table(rows: list[dict[str, Any]], keys: tuple[str, ...], columns: tuple[str, ...]) -> list[str]:
    head = [*keys, *columns]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(r.get(k, "")) for k in head) + " |" for r in rows]
    return out


_ACC = "answered_accuracy"


def _plot(closed: list[dict[str, Any]], gold: list[dict[str, Any]], path: Path) -> None:
    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), dpi=110)
    panels: list[tuple[str, list[dict[str, Any]], str, str]] = [
        ("closed.py, English questions", [r for r in closed if r["q"] == "en"], "answered", _ACC),
        ("closed.py, other languages", [r for r in closed if r["q"] == "other"], "answered", _ACC),
        ("gold set (answerable items)", gold, "coverage", _ACC),
    ]
    for ax, (title, rows, x, y) in zip(axes, panels, strict=True):
        for system in dict.fromkeys(r["system"] for r in rows):
            mine = [r for r in rows if r["system"] == system and r.get(y) is not None]
            xs = [r[x] for r in mine]
            ax.plot(xs, [r[y] for r in mine], marker="o", label=system, color=COLOURS.get(system))
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("answered share" if x == "answered" else "answerable items answered", fontsize=8)
        ax.set_ylabel("accuracy of the answered", fontsize=8)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def render(reports: Path) -> None:
    closed = json.loads((reports / "risk-closed.json").read_text("utf-8"))
    gold = json.loads((reports / "risk-gold.json").read_text("utf-8"))
    _plot(closed, gold, reports / "risk.png")
    text = (reports / "risk-notes.md").read_text("utf-8") if (reports / "risk-notes.md").exists() else ""
    lines = ["# Risk and coverage", "", text, "", "![risk and coverage](risk.png)", ""]
    lines += ["## closed.py (XQuAD dev half, close misses held out)", ""]
    lines += _table(closed, ("system", "q", "threshold"), CLOSED_COLUMNS)
    lines += ["", "## Gold set", ""]
    lines += _table(gold, ("system", "threshold"), GOLD_COLUMNS)
    (reports / "risk.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
