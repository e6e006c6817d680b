"""The one number reader: values across decimal conventions, and where a number may stand."""

from __future__ import annotations

from rag.llm.verify import numbers
from rag.text.numbers import read_numbers, value, values


def test_thousands_groups_read_alike_in_every_convention():
    assert value("523.292") == value("523,292") == value("523 292") == value("523\u00a0292") == "523292"
    assert value("1.234.567") == value("1,234,567") == "1234567"


def test_a_decimal_mark_reads_alike_and_is_not_a_thousands_separator():
    assert value("1,5") == value("1.5") == "1.5"
    assert value("97,39") == value("97.39") == "97.39"
    assert value("1.234,5") == value("1,234.5") == "1234.5"
    assert value("15") == "15" != value("1,5")


def test_standalone_numbers_are_not_read_inside_words_and_codes():
    assert [n.surface for n in read_numbers("A380 flew 12km in 2025, 5-fachen")] == ["2025", "5"]
    assert values("A380 flew 12km", standalone=False) == {"380", "12"}


def test_a_number_keeps_where_it_stands():
    (n,) = read_numbers("Budget: 1,5 Mio.")
    assert (n.surface, n.value, n.start, n.end) == ("1,5", "1.5", 8, 11)


def test_the_verifier_does_not_take_fifteen_million_for_one_and_a_half():
    # the defect: separators were removed, so "1.5", "1,5" and "15" were all "15"
    assert numbers("15 million") != numbers("1,5 Mio.")
    assert numbers("1.5 million") == numbers("1,5 Mio.") == {"1.5"}
    assert numbers("1.5") != numbers("15")
