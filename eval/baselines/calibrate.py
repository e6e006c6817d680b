"""python -m eval.baselines.calibrate: the vector baseline's refusal threshold, chosen on the gold set.

Prints the top node's cosine for every gold item and the threshold that maximises the mean of the
answered share of answerable items and the refused share of unanswerable ones (midpoint between two
neighbouring observed values). ``vector.MIN_SIMILARITY`` holds the value this printed when it was run.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from eval.baselines.vector import VectorBaseline
from eval.gold import GOLD_FILE, load_gold
from rag.settings import get_settings


def best_threshold(answerable: list[float], unanswerable: list[float]) -> tuple[float, float]:
    """(threshold, balanced accuracy) over the midpoints between sorted observed similarities."""
    values = sorted(set(answerable + unanswerable))
    candidates = [values[0] - 1e-4] + [(a + b) / 2 for a, b in itertools.pairwise(values)]
    candidates.append(values[-1] + 1e-4)

    def balanced(t: float) -> float:
        ok = sum(s >= t for s in answerable) / max(len(answerable), 1)
        refused = sum(s < t for s in unanswerable) / max(len(unanswerable), 1)
        return (ok + refused) / 2

    best = max(candidates, key=balanced)
    return round(best, 4), round(balanced(best), 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.baselines.calibrate", description=__doc__)
    parser.add_argument("--gold", type=Path, default=GOLD_FILE)
    args = parser.parse_args(argv)
    docs = Path(get_settings().docs_dir)
    items, _ = load_gold(args.gold, docs)
    system = VectorBaseline(docs)
    system.ingest()
    answerable: list[float] = []
    unanswerable: list[float] = []
    for item in items:
        history = [m.model_dump() for m in item.history] or None
        sim = system.top_similarity(item.question, history)
        (answerable if item.answerable else unanswerable).append(sim)
        print(f"{sim:.4f} {item.kind:13} {item.id}")
    threshold, score = best_threshold(answerable, unanswerable)
    print(f"MIN_SIMILARITY = {threshold} (balanced accuracy {score})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
