"""What the benchmarks share: the questions they ask and a percentile."""

from __future__ import annotations

QUESTIONS = [
    "What did Hanoi sign with St Petersburg?",
    "Wann unterzeichneten Hanoi und UNDP die Absichtserklärung?",
    "How many projects has the Hoa Lac High-Tech Park attracted?",
    "Τι υπέγραψε το Ανόι με την Αγία Πετρούπολη;",
    "How many administrative procedures were received in July and August 2025?",
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, round(p / 100 * len(ordered)) - 1)], 1)
