"""The questions of issue 16, asked as a new user would, in English, German and Indonesian, on the seeds.

Those the product still gets wrong are strict xfails with the reason: they pass the day it gets them
right, and fail the suite then, so that the mark is taken off.
"""

import pytest

import rag

MINISTRY_SENTENCE = "ein Dokument an das Ministerium für Wissenschaft und Technologie geschickt"
COUNT_SENTENCE = "523.292 Verwaltungsvorgänge"
LAW_SENTENCE = "Gesetz über Wissenschaft, Technologie und Innovation 2025"


def _first_quote(answer: rag.Answer) -> str:
    assert answer.answered and answer.citations, answer.text
    return answer.citations[0].quote


@pytest.mark.parametrize(
    "question",
    [
        "What did the Ministry of Science and Technology receive from the city?",
        "Apa yang diterima Kementerian Ilmu Pengetahuan dan Teknologi dari kota?",
        pytest.param(
            "Was erhielt das Ministerium für Wissenschaft und Technologie von der Stadt?",
            marks=pytest.mark.xfail(
                strict=True,
                reason="refused: 'erhielt', a word the German documents never use (they say 'geschickt'), "
                "is one of five content words, and the foreign-word rule refuses at 10 % (the fitted share; "
                "it did at the hand-set 20 % too)",
            ),
        ),
    ],
)
def test_a_question_naming_an_institution_by_its_whole_name_is_answered_from_its_sentence(
    seed_settings, question
):
    assert MINISTRY_SENTENCE in _first_quote(rag.ask(question, settings=seed_settings))


_COUNT_MISS = pytest.mark.xfail(
    strict=True,
    reason="the best sentence says when the system was introduced ('ab dem 1. Juli 2025'); preferring a "
    "sentence with a count for how-many questions fixed this but cost answers on the XQuAD dev half "
    "(en -3, other -5 of 632, none gained: counts there are often words), so it was not kept",
)


@pytest.mark.parametrize(
    "question",
    [
        pytest.param(
            "How many administrative procedures did the system receive in July and August 2025?",
            marks=_COUNT_MISS,
        ),
        pytest.param(
            "Wie viele Verwaltungsverfahren hat das System im Juli und August 2025 erhalten?",
            marks=_COUNT_MISS,
        ),
        pytest.param(
            "Berapa banyak prosedur administrasi yang diterima sistem pada bulan Juli dan Agustus 2025?",
            marks=_COUNT_MISS,
        ),
    ],
)
def test_a_how_many_question_is_answered_with_the_count_not_with_a_date(seed_settings, question):
    answer = rag.ask(question, settings=seed_settings)
    assert COUNT_SENTENCE in _first_quote(answer)
    # the sentence that scored higher gives only a date ("ab dem 1. Juli 2025"): it is not added
    assert not any("ab dem 1. Juli 2025 eingeführt" in c.quote for c in answer.citations)


_LAW_MISS = pytest.mark.xfail(
    strict=True,
    reason="answered (en, de) with the 26th session's sentence, also of 2025 and with 'Wissenschaft, "
    "Technologie und Innovation', or refused (id); the law's sentence scores within 0.001 of it but lies "
    "in a lower group, which must hold the question's names verbatim, and the English and Indonesian "
    "names are not the German ones",
)


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("Which year is the Law on Science, Technology and Innovation from?", marks=_LAW_MISS),
        pytest.param(
            "Aus welchem Jahr ist das Gesetz über Wissenschaft, Technologie und Innovation?", marks=_LAW_MISS
        ),
        pytest.param(
            "Dari tahun berapa Undang-Undang tentang Ilmu Pengetahuan, Teknologi, dan Inovasi?",
            marks=_LAW_MISS,
        ),
    ],
)
def test_a_which_year_question_cites_the_sentence_that_names_the_law(seed_settings, question):
    assert LAW_SENTENCE in _first_quote(rag.ask(question, settings=seed_settings))


_POPULATION_MISS = pytest.mark.xfail(
    strict=True,
    reason="answered with the e-commerce index sentence (it names Ho-Chi-Minh-Stadt and has numbers); "
    "nothing tells that no version speaks of population: a content word's pull on the evidence was "
    "measured on closed.py and refuses right answers about as often as wrong ones",
)


@pytest.mark.parametrize(
    "question",
    [
        pytest.param("What is the population of Ho Chi Minh City?", marks=_POPULATION_MISS),
        "Wie viele Einwohner hat Ho-Chi-Minh-Stadt?",
        pytest.param("Berapa jumlah penduduk Kota Ho Chi Minh?", marks=_POPULATION_MISS),
    ],
)
def test_a_question_on_a_fact_no_document_states_is_refused(seed_settings, question):
    answer = rag.ask(question, settings=seed_settings)
    assert not answer.answered and not answer.citations, answer.text


@pytest.mark.parametrize(
    "question",
    [
        "What did Hanoi sign with St Petersburg?\x1b[31m",
        "Was hat Hanoi mit Sankt Petersburg unterzeichnet?\x1b[31m",
        "Apa yang ditandatangani Hanoi dengan St Petersburg?\x1b[31m",
    ],
)
def test_a_stray_colour_code_does_not_decide_the_answer(seed_settings, question):
    assert "Petersburg" in _first_quote(rag.ask(question, settings=seed_settings))
