"""PNG charts of a run: per question language (grouped bars, one per system) and latency per system.

matplotlib is imported here only, with the Agg backend (no display), so the runner works without it
unless a report is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

COLOURS = {"bm25": "#9e9e9e", "vector": "#64b5f6", "product": "#1565c0"}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def per_language(result: dict[str, Any], metric: str, title: str, path: Path) -> Path:
    plt = _pyplot()
    systems = list(result["systems"])
    langs = sorted({lang for s in result["systems"].values() for lang in s["by_qlang"]})
    width = 0.8 / max(len(systems), 1)
    fig, ax = plt.subplots(figsize=(1.2 + 1.3 * len(langs), 3.6), dpi=110)
    for i, name in enumerate(systems):
        rows = result["systems"][name]["by_qlang"]
        raw = [rows.get(lang, {}).get(metric) for lang in langs]
        xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(langs))]
        bars = ax.bar(xs, [v or 0.0 for v in raw], width, label=name, color=COLOURS.get(name))
        # no value (e.g. no citation at all to be precise about) is not a zero
        ax.bar_label(bars, labels=["n/a" if v is None else f"{v:.2f}" for v in raw], fontsize=6, padding=1)
    ax.set_xticks(range(len(langs)))
    ax.set_xticklabels([f"{lang}\n(n={_answerable(result, lang)})" for lang in langs], fontsize=8)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel(metric.replace("_", " "))
    ax.set_xlabel("question language (answerable items)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, ncols=len(systems), loc="upper center", bbox_to_anchor=(0.5, -0.28))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _answerable(result: dict[str, Any], lang: str) -> int:
    first = next(iter(result["systems"].values()))
    return sum(1 for s in first["items"] if s["lang"] == lang and s["correct"] is not None)


def latency(result: dict[str, Any], path: Path) -> Path:
    plt = _pyplot()
    systems = list(result["systems"])
    fig, ax = plt.subplots(figsize=(1.5 + 1.4 * len(systems), 3.4), dpi=110)
    for i, key in enumerate(("latency_ms_p50", "latency_ms_p95")):
        values = [result["systems"][s]["overall"][key] or 0.0 for s in systems]
        xs = [j + (i - 0.5) * 0.38 for j in range(len(systems))]
        bars = ax.bar(xs, values, 0.38, label=key[-3:], color=("#1565c0", "#90caf9")[i])
        ax.bar_label(bars, labels=[f"{v:,.1f}" for v in values], fontsize=7, padding=1)
    ax.set_yscale("log")  # BM25 answers in about a millisecond, the embedders in tens
    ax.set_xticks(range(len(systems)))
    ax.set_xticklabels(systems)
    ax.set_ylabel("ms per ask (log scale)")
    ax.set_title("Latency per question, gold set", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def write_charts(result: dict[str, Any], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        per_language(
            result, "answer_accuracy", "Answer accuracy by question language", out_dir / "accuracy.png"
        ),
        per_language(
            result,
            "citation_precision",
            "Citation precision by question language",
            out_dir / "citation_precision.png",
        ),
        latency(result, out_dir / "latency.png"),
    ]
