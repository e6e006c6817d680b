"""The learned decision's model (``eval.learned_decision``): standardised features, an L2 logistic
regression by Newton steps, the outcomes of answering iff P >= a threshold, and the threshold chosen by
right - 2 x wrong on out-of-fold predictions."""

from __future__ import annotations

from typing import Any

import numpy as np

WRONG_COST = 2.0
L2 = 1.0
RIGHT, WRONG, REFUSED = 1, -1, 0


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> dict[str, Any]:
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / std])
    w = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (p - y) + penalty @ w
        hess = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {"mean": mean.tolist(), "std": std.tolist(), "weights": w.tolist()}


def predict(model: dict[str, Any], x: np.ndarray) -> np.ndarray:
    z = (np.atleast_2d(x) - np.asarray(model["mean"])) / np.asarray(model["std"])
    w = np.asarray(model["weights"])
    return np.asarray(1 / (1 + np.exp(-(w[0] + z @ w[1:]))))


def outcomes(p: np.ndarray, threshold: float, rows: list[dict[str, Any]]) -> np.ndarray:
    """RIGHT / WRONG / REFUSED of the learned decision at ``threshold`` (gold's judge)."""
    out = []
    for prob, r in zip(p, rows, strict=True):
        if r["features"] is not None and prob >= threshold:
            out.append(r["candidate"])
        else:
            out.append(REFUSED if r["answerable"] else RIGHT)
    return np.asarray(out)


def score(o: np.ndarray) -> float:
    return float((o == RIGHT).sum() - WRONG_COST * (o == WRONG).sum())


def choose_threshold(p: np.ndarray, rows: list[dict[str, Any]]) -> float:
    """The threshold with the best objective on ``p`` (of equals, the one nearest 2/3)."""
    grid = sorted({0.5, 2 / 3, *np.round(np.linspace(0.05, 0.95, 91), 3).tolist()})
    best = max(score(outcomes(p, t, rows)) for t in grid)
    return min((t for t in grid if score(outcomes(p, t, rows)) == best), key=lambda t: abs(t - 2 / 3))


def _xy(rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
    usable = [r for r in rows if r["features"] is not None]
    return np.asarray([r["features"] for r in usable]), np.asarray([r["candidate"] == RIGHT for r in usable])


def probabilities(model: dict[str, Any], rows: list[dict[str, Any]]) -> np.ndarray:
    return np.asarray([predict(model, np.asarray(r["features"]))[0] if r["features"] else 0.0 for r in rows])


def train(rows: list[dict[str, Any]]) -> tuple[dict[str, Any], float]:
    """The model fitted on ``rows`` and its threshold, chosen on out-of-fold predictions (each of the
    rows' folds predicted by a model fitted on the others)."""
    oof = np.zeros(len(rows))
    for f in sorted({r["fold"] for r in rows}):
        model = fit_logistic(*_xy([r for r in rows if r["fold"] != f]))
        for i, r in enumerate(rows):
            if r["fold"] == f:
                oof[i] = probabilities(model, [r])[0]
    return fit_logistic(*_xy(rows)), choose_threshold(oof, rows)


def counts(o: np.ndarray, answerable: np.ndarray) -> dict[str, Any]:
    """Right / wrong / refused (calibrate's: a refused unanswerable item is right), the objective, and the
    split: answerable items answered right, answered wrong, refused; unanswerable ones refused, answered."""
    return {
        "right": int((o == RIGHT).sum()),
        "wrong": int((o == WRONG).sum()),
        "refused": int((o == REFUSED).sum()),
        "n": len(o),
        "score": score(o),
        "answerable": [int(((o == code) & answerable).sum()) for code in (RIGHT, WRONG, REFUSED)],
        "unanswerable": [int(((o == code) & ~answerable).sum()) for code in (RIGHT, WRONG)],
    }
