"""The test of whether evidence speaks about the names and numbers a question asks about."""

import numpy as np

from rag.answer.grounding import term_support
from rag.text.terms import Term, found_verbatim, masked_questions, salient_terms
from rag.text.translit import fold


def _texts(q):
    return [t.text for t in salient_terms(q)]


def test_names_numbers_and_codes_are_salient_and_runs_are_joined():
    assert set(_texts("What did Hanoi sign with St Petersburg?")) == {"Hanoi", "St Petersburg"}
    assert set(_texts("Which decree 231/2025/ND-CP applies?")) == {"231/2025/ND-CP"}
    # a month name is no name (CLDR's months: "Mai" like "März"), the date's numbers are the terms
    assert _texts("Welchen Plan veröffentlichte das Volkskomitee am 16. Mai 2025?") == [
        "Volkskomitee",
        "Plan",
        "2025",
        "16",
    ]


def test_the_first_word_is_not_a_name_unless_it_is_an_acronym():
    assert _texts("Which plan was updated?") == []
    assert _texts("UNDP signed what?") == ["UNDP"]


def test_a_quoted_title_is_one_term():
    q = "Kapan gerakan 'Pendidikan Digital untuk Semua' diluncurkan di Hanoi?"
    assert "Pendidikan Digital untuk Semua" in _texts(q)


def test_masking_removes_exactly_the_term():
    q = "What did Hanoi sign with Paris?"
    (paris,) = [t for t in salient_terms(q) if t.text == "Paris"]
    assert masked_questions(q, [paris]) == ["What did Hanoi sign with ?"]


def test_verbatim_match_ignores_case_accents_and_word_endings():
    text = fold("Am 6. März 2025 unterzeichneten ... die Stadtregierung von Sankt Petersburg; Politbüros")
    assert found_verbatim(Term("St Petersburg", 0, 0), text)
    assert found_verbatim(Term("Politburo", 0, 0), text)
    assert not found_verbatim(Term("Paris", 0, 0), text)


def test_numbers_match_by_their_digits_whatever_the_month_is_called():
    text = fold("Das Modell trat am 1. Juli 2025 in Kraft.")
    assert found_verbatim(Term("1 July 2025", 0, 0), text)
    assert not found_verbatim(Term("2 July 2025", 0, 0), text)
    assert not found_verbatim(Term("2022", 0, 0), fold("im Jahr 20225"))


def test_term_support_is_how_much_the_term_pulls_towards_the_evidence():
    evidence = np.array([[1.0, 0.0], [0.0, 1.0]])
    question = np.array([0.8, 0.6])
    masked = np.array(
        [[0.6, 0.8], [0.8, 0.6]]
    )  # without term 0 the question leans away; term 1 changes nothing
    support = term_support(evidence, question, masked)
    assert support[0] > 0.19 and abs(support[1]) < 1e-9


def test_a_greek_name_is_found_in_latin_script_evidence_by_its_sound():
    evidence = fold("Der Plan zielt darauf ab, Hanoi bis 2030 zu einem Zentrum zu machen.")
    assert found_verbatim(Term("Ανόι", 0, 4), evidence)
    assert not found_verbatim(Term("Παρίσι", 0, 6), evidence)


def test_vietnamese_common_nouns_are_not_names_but_runs_and_foreign_names_are():
    def terms(q: str) -> list[str]:
        return sorted(t.text for t in salient_terms(q, "vi"))

    assert terms("Kế hoạch số 139/KH-UBND thực hiện nghị quyết nào của Chính phủ?") == ["139/KH-UBND"]
    assert terms("Hà Nội có thiếu nguồn thu ngân sách không?") == ["Hà Nội"]
    assert terms("Hà Nội đã ký gì với Paris?") == ["Hà Nội", "Paris"]
