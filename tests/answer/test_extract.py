"""Which sentences the offline answer cites: a second sentence from another passage only when the first
may be the wrong one (citation precision, eval issue 6)."""

from __future__ import annotations

import pytest

from rag.answer.extractive import (
    adds_content,
    extractive_answer,
    names_everything,
)
from rag.retrieval.candidates import Candidate
from rag.settings import Settings
from rag.text.terms import names_visible
from rag.translations.align import Alignment
from rag.types import Citation

from ..conftest import make_candidate, make_query

SETTINGS = Settings(min_relevance=0.0, second_sentence_margin=0.03, score_tie=0.002)
SECOND_SENTENCE_MARGIN = SETTINGS.decision("second_sentence_margin")
SCORE_TIE = SETTINGS.decision("score_tie")


def _cand(name: str, sentences: list[str], scores: list[float]) -> Candidate:
    """A retrieved passage of document ``name`` whose sentences score ``scores``."""
    return make_candidate(" ".join(sentences), doc_id=name, sentences=sentences, scores=scores)


def _answer(question: str, leaders: list[Candidate], settings: Settings = SETTINGS) -> list[str]:
    a = extractive_answer(make_query(question), leaders, Alignment({}, {}), settings)
    return [c.doc_id for c in a.citations]


FIRST = "On 6 March 2025 Hanoi signed an agreement with St Petersburg."
OTHER = "In 2025 Hanoi and the UNDP signed a memorandum on innovation."


def test_another_passage_is_not_cited_when_the_first_sentence_names_all_the_question_names():
    best = _cand("a.txt", [FIRST], [0.05])
    other = _cand("b.txt", [OTHER], [0.05 - SECOND_SENTENCE_MARGIN / 2])
    assert _answer("What did Hanoi sign with St Petersburg?", [best, other]) == ["a.txt"]


def test_another_passage_is_cited_when_its_sentence_scores_as_well_as_the_first():
    best = _cand("a.txt", [FIRST], [0.05])
    other = _cand("b.txt", [OTHER], [0.05 - SCORE_TIE / 2])
    # (the tie speaks of "innovation", which the first does not: see adds_content)
    question = "What on innovation did Hanoi sign with St Petersburg?"
    assert _answer(question, [best, other]) == ["a.txt", "b.txt"]


def test_the_tie_is_the_settings_score_tie():
    best = _cand("a.txt", [FIRST], [0.05])
    other = _cand("b.txt", [OTHER], [0.05 - SCORE_TIE / 2])
    question = "What on innovation did Hanoi sign with St Petersburg?"
    no_tie = SETTINGS.model_copy(update={"score_tie": SCORE_TIE / 4})
    assert _answer(question, [best, other], no_tie) == ["a.txt"]


def test_a_stage_given_unresolved_settings_says_so():
    best = _cand("a.txt", [FIRST], [0.05])
    with pytest.raises(RuntimeError, match="score_tie is unset"):
        _answer(
            "What did Hanoi sign?", [best, best], Settings(min_relevance=0.0, second_sentence_margin=0.03)
        )


def test_another_passage_is_cited_when_the_first_sentence_lacks_a_name_of_the_question():
    best = _cand("a.txt", [FIRST], [0.05])
    other = _cand("b.txt", [OTHER], [0.05 - SECOND_SENTENCE_MARGIN / 2])
    assert _answer("What did Hanoi sign with the UNDP?", [best, other]) == ["a.txt", "b.txt"]


def test_a_neighbour_in_the_same_passage_is_cited_within_the_margin():
    best = _cand("a.txt", [FIRST, "The agreement covers trade and science."], [0.05, 0.03])
    other = _cand("b.txt", [OTHER], [0.01])
    a = extractive_answer(
        make_query("What did Hanoi sign with St Petersburg?"), [best, other], Alignment({}, {}), SETTINGS
    )
    assert [c.quote for c in a.citations] == [FIRST, "The agreement covers trade and science."]


def test_nothing_beyond_the_margin_is_cited():
    best = _cand("a.txt", [FIRST], [0.05])
    other = _cand("b.txt", [OTHER], [0.05 - 2 * SECOND_SENTENCE_MARGIN])
    assert _answer("What did Hanoi sign with the UNDP?", [best, other]) == ["a.txt"]


def test_names_cannot_be_seen_in_a_caseless_script_so_the_first_sentence_is_never_complete():
    assert names_visible("What did Hanoi sign with St Petersburg?")
    assert not names_visible("हनोई ने सेंट पीटर्सबर्ग के साथ किस पर हस्ताक्षर किए?")
    assert not names_visible("पोलित ब्यूरो का संकल्प 57-NQ/TW किस विषय पर है?")
    cite = [Citation("a.txt", FIRST, 0, len(FIRST), "en")]
    assert names_everything(make_query("What did Hanoi sign with St Petersburg?"), cite)
    assert not names_everything(make_query("What did Hanoi sign with Paris?"), cite)
    assert not names_everything(make_query("हनोई ने सेंट पीटर्सबर्ग के साथ किस पर हस्ताक्षर किए?", "hi"), cite)


def test_a_tie_from_another_passage_is_cited_only_when_it_speaks_of_more_of_the_question():
    question = "What did Hanoi open through proactive international cooperation?"
    first = "Through proactive international cooperation Hanoi opened access to advanced technology."
    same = "Recently many important international cooperation activities were carried out."
    more = "Hanoi also opened its doors to proactive investors."
    assert not adds_content(make_query(question), _cites(first), _cites(same), "en")
    tie = _cand("b", [same], [0.1])
    assert _answer(question, [_cand("a", [first], [0.1]), tie]) == ["a"]
    assert adds_content(make_query("Who opened the doors to investors?"), _cites(first), _cites(more), "en")
    # no version in the question's language: nothing to compare, the tie rule stands
    assert adds_content(make_query(question), _cites(first, "de"), _cites(same, "de"), "en")


def _cites(text: str, language: str = "en") -> list[Citation]:
    return [Citation("d", text, 0, len(text), language)]
