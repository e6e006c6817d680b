"""The learned-decision experiment's pieces that need no index: the logistic regression, the threshold
chosen by the objective, and the synthetic close misses."""

from __future__ import annotations

import numpy as np

from eval.close_misses import close_misses
from eval.learned_model import REFUSED, RIGHT, WRONG, choose_threshold, fit_logistic, outcomes, predict
from rag.calibrate import Item


def test_logistic_regression_orders_by_the_feature_that_separates() -> None:
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.normal(size=200), rng.normal(size=200)])
    y = (x[:, 0] + 0.3 * rng.normal(size=200) > 0).astype(float)
    model = fit_logistic(x, y)
    p = predict(model, np.array([[2.0, 0.0], [0.0, 0.0], [-2.0, 0.0]]))
    assert p[0] > 0.9 and p[2] < 0.1 and p[0] > p[1] > p[2]
    assert abs(model["weights"][1]) > 5 * abs(model["weights"][2])  # the noise feature weighs little


def _row(candidate: int, answerable: bool) -> dict[str, object]:
    return {"features": [0.0], "candidate": candidate, "answerable": answerable}


def test_outcomes_refuse_below_the_threshold_and_judge_the_candidate_above() -> None:
    rows = [_row(RIGHT, True), _row(WRONG, True), _row(WRONG, False)]
    p = np.array([0.9, 0.5, 0.5])
    assert outcomes(p, 0.6, rows).tolist() == [RIGHT, REFUSED, RIGHT]
    assert outcomes(p, 0.4, rows).tolist() == [RIGHT, WRONG, WRONG]


def test_threshold_is_chosen_by_right_minus_two_wrong() -> None:
    # above 0.6 one right (score 1); from 0.2 to 0.6 three right, one wrong (also 1); below, -1:
    # of the two best, the one nearest 2/3
    rows = [_row(RIGHT, True)] * 3 + [_row(WRONG, True)] * 2
    p = np.array([0.95, 0.6, 0.6, 0.6, 0.2])
    t = choose_threshold(p, rows)
    assert t == 2 / 3
    assert outcomes(p, t, rows).tolist() == [RIGHT, REFUSED, REFUSED, REFUSED, REFUSED]


CORPUS = "Am 6. März 2025 unterzeichneten Hanoi und Sankt Petersburg ein Abkommen. Oslo 2032."


def test_close_misses_swap_a_name_and_a_number_for_ones_the_documents_lack() -> None:
    items = [
        Item("a-en", "What did Hanoi sign with St Petersburg in 2025?", [], [("d.txt", "Am 6")], True),
        Item("u-en", "Who won in 2022?", [], [], False),
    ]
    misses = close_misses(items, {"a-en": "en", "u-en": "en"}, CORPUS)
    assert [n for n, _ in misses] == [0, 0]
    name, number = (m for _, m in misses)
    assert name.id == "a-en~name" and not name.answerable and name.support == []
    assert "Petersburg" not in name.question and "Hanoi" in name.question  # Hanoi is swapped last
    assert "Oslo" not in name.question  # a pool name the corpus holds is not used
    assert number.question == "What did Hanoi sign with St Petersburg in 2038?"  # 2032 is in the corpus
