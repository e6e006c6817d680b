"""Month and day names and language names from CLDR, and the language identifier's restriction."""

from __future__ import annotations

import pytest

from rag.text.calendar import calendar_words, month_numbers
from rag.text.langid import detect_language
from rag.text.languages import QUESTION_LANGUAGES, language_name

# the gold questions that py3langid, choosing among all its 97 languages, reads as a neighbour
MALAY_LOOKING = "Siapa Ketua Komite Rakyat Hanoi?"
NEPALI_LOOKING = "कितने प्रतिशत प्रशासनिक प्रक्रियाएँ समय पर निपटाई गईं?"
SEED_LANGUAGES = {"de", "id", "el", "hi"}


def test_month_names_come_in_both_cldr_contexts_and_with_the_added_spellings():
    months = month_numbers(["de", "el", "hi", "id"])
    assert months["märz"] == months["μαρτίου"] == months["μάρτιος"] == months["मार्च"] == 3
    assert months["jänner"] == 1 and months["सितम्बर"] == months["सितंबर"] == 9 and months["agust"] == 8


def test_every_cldr_language_has_its_months_and_numbered_ones_are_left_out():
    assert month_numbers(["ru"])["марта"] == 3
    assert month_numbers(["tr"])["ağustos"] == 8
    assert month_numbers(["vi"]) == {}  # "tháng 3": read by the Vietnamese date patterns
    assert month_numbers(["xx-unknown"]) == {}


def test_calendar_words_are_months_and_days_casefolded():
    words = calendar_words(["en", "de", "id"])
    assert {"march", "montag", "minggu", "mei", "juli"} <= words
    assert "hanoi" not in words


def test_language_names_in_any_language():
    assert language_name("de") == "German"
    assert language_name("de", "id") == "Jerman"
    assert language_name("hi", "vi") == "Tiếng Hindi"
    assert language_name("qq") == "qq"
    assert [language_name(c) for c in ("el", "ms", "zh")] == ["Greek", "Malay", "Chinese"]
    assert {"en", "de", "id", "el", "hi", "vi"} <= set(QUESTION_LANGUAGES)


@pytest.mark.parametrize(
    ("question", "neighbour", "language"), [(MALAY_LOOKING, "ms", "id"), (NEPALI_LOOKING, "ne", "hi")]
)
def test_restricted_to_the_languages_present_a_question_reads_as_its_own(question, neighbour, language):
    assert detect_language(question) == neighbour
    assert detect_language(question, SEED_LANGUAGES | {"en", "vi"}) == language


def test_a_restriction_does_not_touch_the_unrestricted_identifier():
    detect_language(MALAY_LOOKING, {"id", "en"})
    assert detect_language(MALAY_LOOKING) == "ms"
    assert detect_language(MALAY_LOOKING, {"qq", "zz"}) == "ms"  # no language it knows: all of them
    assert detect_language("ab", {"id"}) == "und"
