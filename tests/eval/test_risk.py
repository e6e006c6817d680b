"""eval.risk: the risk-coverage table of a closed.py run, from its rows and the side records."""

import json

import pytest

from eval.risk import THRESHOLDS, _closed_table, closed

GOLD = {"a": {"de": "308"}, "b": {"de": "Denver"}, "m": {"de": "Paris"}}


def _row(qid, kind):
    return {"qid": qid, "kind": kind, "q_lang": "en", "doc_lang": "de"}


def _product(answers):
    """Side records of the product: the same (answered, text) at every threshold, except where given."""
    return [{"q": "?", "by_threshold": {str(t): said(t) for t in THRESHOLDS}} for said in answers]


def test_a_higher_threshold_trades_wrong_answers_for_refusals_in_the_table():
    rows = [_row("a", "fact"), _row("b", "fact"), _row("m", "miss")]
    side = _product(
        [
            lambda t: (True, "Sie gaben 308 Punkte ab."),  # right at every threshold
            lambda t: (t < 0.8, "Carolina"),  # wrong, refused from 0.8 on
            lambda t: (t < 0.77, "irgendwas"),  # a close miss answered below 0.77
        ]
    )
    table = {r["threshold"]: r for r in _closed_table(rows, side, "product", GOLD)}
    low, high = table["0.0"], table["0.8"]
    assert (low["right"], low["wrong"], low["misses_refused"]) == (0.5, 0.5, 0.0)
    assert (high["right"], high["wrong"], high["misses_refused"]) == (0.5, 0.0, 1.0)
    assert low["answered_accuracy"] == pytest.approx(1 / 3, abs=1e-3) and high["answered_accuracy"] == 1.0


def test_a_baseline_is_floored_at_quantiles_of_its_own_scores():
    rows = [_row("a", "fact"), _row("b", "fact"), _row("m", "miss")]
    side = [
        {"q": "?", "score": 0.9, "text": "308", "answered": True},
        {"q": "?", "score": 0.5, "text": "Carolina", "answered": True},
        {"q": "?", "score": 0.7, "text": "x", "answered": True},
    ]
    table = _closed_table(rows, side, "nearest", GOLD)
    never = table[0]  # no floor: everything answered
    assert (never["right"], never["wrong"], never["misses_refused"]) == (0.5, 0.5, 0.0)
    # scores 0.5, 0.7, 0.9: the floors are 0.5 and 0.7; at 0.7 the wrong fact (0.5) is refused and the
    # close miss (0.7, not under the floor) is still answered
    at = [r for r in table if r["threshold"] == "0.7"]
    assert at and all((r["right"], r["wrong"], r["misses_refused"]) == (0.5, 0.0, 0.0) for r in at)
    assert all(r["answered_accuracy"] == 0.5 for r in at)


def test_rows_and_side_records_of_different_runs_are_refused():
    with pytest.raises(SystemExit, match="not one run"):
        _closed_table([_row("a", "fact")], [], "nearest", GOLD)


def test_every_run_in_the_folder_is_tabled_product_runs_first_each_swept_per_threshold(tmp_path):
    rows = [_row("a", "fact"), _row("b", "fact"), _row("m", "miss")]
    runs = {
        "product": _product([lambda t: (True, "308"), lambda t: (False, ""), lambda t: (False, "")]),
        "product-hand": _product([lambda t: (True, "308"), lambda t: (True, "x"), lambda t: (t < 0.8, "")]),
        "nearest": [{"q": "?", "score": 0.5, "text": "x", "answered": True}] * 3,
    }
    for name, side in runs.items():
        (tmp_path / f"{name}.json").write_text(json.dumps({"rows": rows}))
        (tmp_path / f"{name}.jsonl").write_text("\n".join(json.dumps(s) for s in side))
    (tmp_path / "orphan.jsonl").write_text("{}")  # no closed.py rows beside it: not a run
    table = closed(tmp_path, GOLD)
    assert list(dict.fromkeys(r["system"] for r in table)) == ["product", "product-hand", "nearest"]
    hand = {r["threshold"]: r for r in table if r["system"] == "product-hand"}
    assert set(hand) == {str(t) for t in THRESHOLDS}
    assert (hand["0.0"]["wrong"], hand["0.0"]["misses_refused"]) == (0.5, 0.0)
    assert hand["0.8"]["misses_refused"] == 1.0
