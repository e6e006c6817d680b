"""What makes a close miss refused: numbers held verbatim, the kind of answer asked for, and content
words that the documents in the question's language never use."""

import numpy as np

from rag.answer.grounding import ungrounded_terms
from rag.answer.refusal import document_language, foreign_words, gives_kind, too_foreign
from rag.text.function_words import is_function_word, norm
from rag.text.terms import Term
from rag.text.words import answer_kind, content_words, used_in

from ..conftest import make_candidate, make_query


def _cand(text, language="de", vec=None, members=()):
    return make_candidate(
        text,
        doc_id=f"{language}.txt",
        language=language,
        vec=vec,
        members=tuple(members),
        chunk_id=f"x-{language}-c0-{len(text)}",
    )


def test_a_number_no_version_holds_is_ungrounded_even_when_the_embedding_test_passes():
    group = _cand("Am 6. März 2025 unterzeichneten Hanoi und Sankt Petersburg ein Abkommen.")
    q = "Was hat Hanoi im Jahr 2023 mit Sankt Petersburg unterzeichnet?"
    year = Term("2023", q.index("2023"), q.index("2023") + 4)
    qvec = np.array([1.0, 0.0, 0.0], np.float32)
    masked = {year: np.array([0.0, 1.0, 0.0], np.float32)}  # leaving the year out would lose a lot
    assert ungrounded_terms(group, qvec, [year], masked, 0.003) == ["2023"]
    same = Term("2025", 0, 4)
    assert ungrounded_terms(group, qvec, [same], {same: masked[year]}, 0.003) == []


def test_when_questions_need_a_year_and_how_many_questions_a_number():
    assert answer_kind("When did Hanoi's working delegation travel to Korea?") == "date"
    assert answer_kind("हनोई ने टोक्यो के साथ कब समझौता किया?") == "date"
    assert answer_kind("Wie viele Einwohner hat Hanoi?") == "number"
    assert answer_kind("Πόσους μηχανικούς θα εκπαιδεύει το πρόγραμμα;") == "number"
    assert answer_kind("What did Hanoi sign with UNDP?") is None
    no_date = _cand("Das Projekt Nr. 19/DA-UBND zur Entsendung einer Arbeitsdelegation nach Korea.")
    dated = _cand("Am 6. März 2025 unterzeichneten Hanoi und Sankt Petersburg ein Abkommen.")
    assert not gives_kind(no_date, "date") and gives_kind(no_date, "number")
    assert gives_kind(dated, "date")
    assert gives_kind(_cand("ohne Zahl"), None)
    # a translation of the passage counts as the passage
    assert gives_kind(_cand("ohne Zahl", members=[dated]), "date")


def test_function_words_are_not_content_words():
    assert (
        is_function_word("Wie", "de") and is_function_word("कितनी", "hi") and is_function_word("Πόσους", "el")
    )
    assert [t.text for t in content_words("Wie viele Einwohner hat Hanoi?", "de")] == ["Einwohner", "Hanoi"]
    assert [t.text for t in content_words("Siapa Ketua Komite Rakyat Hanoi?", "id")] == [
        "Ketua",
        "Komite",
        "Rakyat",
        "Hanoi",
    ]
    assert norm("Πόσους") == "ποσουσ" and norm("कितनी") == "कितनी"  # Devanagari vowel signs stay


def test_a_word_is_used_by_the_documents_in_another_form():
    vocabulary = " abkommen αγιασ einwohnerzahl menandatangani unterzeichneten "
    assert used_in("ditandatangani", vocabulary)  # Indonesian affixes
    assert used_in("αγια", vocabulary)  # a short word with an ending
    assert used_in("unterzeichnet", vocabulary)
    assert not used_in("ketua", vocabulary)
    words = content_words("Wie viele Einwohner hat Tokio?", "de")
    assert [t.text for t in foreign_words(words, vocabulary)] == ["Tokio"]


def test_the_question_language_falls_back_to_the_documents_language_that_knows_its_words():
    vocabs = {"id": " komite rakyat hanoi siapa kota ", "de": " hanoi volkskomitee "}
    assert (
        document_language(make_query("Siapa Ketua Komite Rakyat Hanoi?", "ms"), vocabs) == "id"
    )  # Malay for Indonesian
    assert document_language(make_query("Siapa Ketua Komite Rakyat Hanoi?", "id"), vocabs) == "id"
    assert (
        document_language(make_query("Who chairs Hanoi's People's Committee?"), vocabs) is None
    )  # no English documents
    assert document_language(make_query("Wer leitet das Volkskomitee?", "de"), vocabs) == "de"


def test_foreign_words_that_do_not_pull_towards_the_same_language_version_refuse_the_group():
    q = "Wie viele Einwohner hat Hanoi?"
    words = content_words(q, "de")
    foreign = [t for t in words if t.text == "Einwohner"]
    qvec = np.array([1.0, 0.0, 0.0], np.float32)
    group = _cand("Hanoi belegt im E-Commerce-Index 2025 den ersten Platz.", vec=[1.0, 0.0, 0.0])
    # the evidence matches the question without the word better than with it: the word is not spoken about
    away = {foreign[0]: np.array([1.0, 0.0, 0.0], np.float32) * 1.01}
    assert too_foreign(group, "de", qvec, foreign, away, len(words), 0.0, 0.2)
    # a paraphrase pulls the question towards the evidence: not foreign
    towards = {foreign[0]: np.array([0.9, 0.1, 0.0], np.float32)}
    assert not too_foreign(group, "de", qvec, foreign, towards, len(words), 0.0, 0.2)
    # below the share of content words, one such word does not refuse
    assert not too_foreign(group, "de", qvec, foreign, away, 10, 0.0, 0.2)
    # a group with no version in the question's language cannot be judged: it passes unless strict
    greek = _cand("Το Ανόι κατέλαβε την πρώτη θέση.", language="el")
    assert not too_foreign(greek, "de", qvec, foreign, away, len(words), 0.0, 0.2)
    assert too_foreign(greek, "de", qvec, foreign, away, len(words), 0.0, 0.2, strict=True)
