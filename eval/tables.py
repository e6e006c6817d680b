"""Markdown tables for the eval reports: numbers formatted one way, cells made safe."""

from __future__ import annotations

from typing import Any


def fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.3f}".rstrip("0").rstrip(".") or "0"
    return str(value)


def cell(text: str, limit: int = 0) -> str:
    text = " ".join(str(text).split())
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("|", "\\|")


def table(
    rows: list[tuple[list[str], dict[str, Any]]], heads: list[str], columns: list[tuple[str, str]]
) -> str:
    lines = ["| " + " | ".join(heads + [h for _, h in columns]) + " |"]
    lines.append("|" + "---|" * (len(heads) + len(columns)))
    for labels, summary in rows:
        lines.append("| " + " | ".join(labels + [fmt(summary.get(k)) for k, _ in columns]) + " |")
    return "\n".join(lines)
