"""Parsing a model's answer into claims, and comparing numbers across languages."""

from rag.answer.cite import with_marker
from rag.llm.verify import numbers, split_claims


def test_numbers_compare_across_digit_grouping_conventions():
    assert numbers("523.292") == numbers("523,292") == numbers("523 292") == {"523292"}
    assert numbers("97,39 %") == numbers("97.39%") == {"97.39"}
    assert numbers("am 6. März 2025") == {"6", "2025"}
    assert numbers("532,929") != numbers("523.292")


def test_markers_are_parsed_per_sentence_and_out_of_range_ones_counted():
    text = "Hanoi signed in March [1]. It covers trade [2, 9]. Nothing else [7]."
    claims = split_claims(text, n_passages=3)
    assert [c.text for c in claims] == ["Hanoi signed in March.", "It covers trade.", "Nothing else."]
    assert [c.markers for c in claims] == [[1], [2], []]
    assert [c.dropped_markers for c in claims] == [0, 1, 1]


def test_a_marker_after_the_full_stop_belongs_to_the_sentence_before():
    claims = split_claims("Hanoi signed in March. [2] The agreement covers trade. [1]", n_passages=2)
    assert [c.markers for c in claims] == [[2], [1]]


def test_a_marker_goes_before_the_closing_punctuation():
    assert with_marker("Hanoi signed in March.", 3) == "Hanoi signed in March [3]."
    assert with_marker("हनोई ने समझौता किया।", 1) == "हनोई ने समझौता किया [1]।"
