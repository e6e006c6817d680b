"""End to end on the real seeds with the real (bundled, offline) embedder."""

from pathlib import Path

import pytest

import rag

ST_PETERSBURG = {"Sankt Petersburg", "Saint Petersburg", "Αγίας Πετρούπολης", "सेंट पीटर्सबर्ग"}


def _refused(reason):
    """A strict xfail: the question is refused under the shipped calibration, for ``reason``."""
    return pytest.mark.xfail(strict=True, reason="refused: " + reason)


def _doc(settings, doc_id):
    return (Path(settings.docs_dir) / doc_id).read_bytes().decode("utf-8")


def test_st_petersburg_question_cites_the_st_petersburg_sentence_in_all_translations(seed_settings):
    answer = rag.ask("What did Hanoi sign with St Petersburg?", settings=seed_settings)
    assert answer.answered
    first_group = [c for c in answer.citations if c.group == answer.citations[0].group]
    assert {c.language for c in first_group} == {"de", "id", "el", "hi"}
    for c in first_group:
        assert any(name in c.quote for name in ST_PETERSBURG), c.quote
    assert "Petersburg" in answer.text or "Πετρούπολη" in answer.text or "पीटर्सबर्ग" in answer.text


def test_every_citation_reproduces_its_quote_from_the_file(seed_settings):
    for q in ["What did Hanoi sign with UNDP?", "Wie viele Verwaltungsvorgänge gingen ein?", "Hoa Lac"]:
        for c in rag.ask(q, settings=seed_settings).citations:
            assert _doc(seed_settings, c.doc_id)[c.start : c.end] == c.quote


def test_off_topic_question_is_refused_without_citations(seed_settings):
    answer = rag.ask("Who won the football world cup in 2022?", settings=seed_settings)
    assert not answer.answered and answer.citations == []
    assert "do not say" in answer.text


def test_retrieve_groups_translations_so_k_results_are_k_facts(seed_settings):
    hits = rag.retrieve("What did Hanoi sign with St Petersburg?", k=5, settings=seed_settings)
    assert len(hits) == 5
    keys = [(p.doc_id, p.start) for p in hits]
    assert len(set(keys)) == 5
    top = hits[0]
    assert {top.language, *(t.language for t in top.translations)} == {"de", "id", "el", "hi"}


def test_followup_uses_history(seed_settings):
    history = [
        {"role": "user", "content": "What did Hanoi sign with St Petersburg?"},
        {"role": "assistant", "content": "A cooperation agreement."},
    ]
    answer = rag.ask("And with UNDP?", history=history, settings=seed_settings)
    assert answer.answered and "UNDP" in answer.text


def test_stream_yields_text_then_citations_then_done(seed_settings):
    events = list(rag.stream("What did Hanoi sign with UNDP?", settings=seed_settings))
    assert [e.type for e in events] == ["text", "citations", "done"]
    assert events[-1].answer.citations == events[1].citations


def test_close_miss_naming_a_partner_the_documents_never_mention_is_refused(seed_settings):
    for q in [
        "What did Hanoi sign with Paris?",
        "Hà Nội đã ký gì với Paris?",
        "Πότε υπέγραψε το Ανόι συμφωνία με το Βερολίνο;",
    ]:
        answer = rag.ask(q, settings=seed_settings)
        assert not answer.answered, (q, answer.text)


@pytest.mark.parametrize(
    "q, needle",
    [
        pytest.param(
            "Hà Nội đã ký kết gì với Saint Petersburg?",
            "Petersburg",
            marks=_refused(
                "its best sentence scores 0.777, under the 0.795 that rag calibrate fitted on the gold set "
                "(shipped since 2026-12-02; answered at the hand-set 0.77); other Vietnamese phrasings "
                "score 0.81-0.83 and are answered"
            ),
        ),
        ("Hanoi đã ký gì với St Petersburg?", "Petersburg"),
        ("Hà Nội ký kết thỏa thuận gì với thành phố Saint Petersburg?", "Petersburg"),
        ("Apa yang ditandatangani Hanoi dengan UNDP?", "UNDP"),
    ],
)
def test_questions_in_other_languages_than_the_documents_are_answered(seed_settings, q, needle):
    answer = rag.ask(q, settings=seed_settings)
    assert answer.answered and any(needle in c.quote for c in answer.citations), (q, answer.text)


def test_close_misses_on_a_relation_the_documents_do_not_state_are_refused(seed_settings):
    for q in [
        "Wie viele Einwohner hat Hanoi?",  # a content word the German documents never use
        "Was hat Hanoi im Jahr 2023 mit Sankt Petersburg unterzeichnet?",  # a year no version holds
        "When did Hanoi's working delegation travel to Korea?",  # a when-question, no date in the passage
        "हनोई ने टोक्यो के साथ कब समझौता किया?",  # a name in a caseless script the Hindi text lacks
        "Siapa Ketua Komite Rakyat Hanoi?",  # detected as Malay: judged on the Indonesian documents
    ]:
        answer = rag.ask(q, settings=seed_settings)
        assert not answer.answered, (q, answer.text)


@pytest.mark.parametrize(
    "q, needle",
    [
        pytest.param(
            "Rencana No. 334-KH/TU tentang hubungan luar negeri berlaku untuk periode apa?",
            "334",
            marks=_refused(
                "of its 7 content words, 'berlaku' and 'periode' are never used by the Indonesian text "
                "and one does not pull towards its sentence: 1/7 is over the foreign-word share of 0.1 "
                "that rag calibrate fitted on the gold set (answered at the hand-set 0.2)"
            ),
        ),
        ("Wann unterzeichneten Hanoi und UNDP die Absichtserklärung?", "2025"),
        pytest.param(
            "कोरिया के कार्यक्रम से शहर को किन मॉडलों तक पहुंच मिली?",
            "कोरिया",
            marks=_refused(
                "of its 6 content words, 'मॉडलों' and 'मिली' are never used by the Hindi text and one does "
                "not pull towards its sentence: 1/6 is over the fitted foreign-word share of 0.1 "
                "(answered at the hand-set 0.2)"
            ),
        ),
    ],
)
def test_real_questions_with_paraphrased_words_are_still_answered(seed_settings, q, needle):
    answer = rag.ask(q, settings=seed_settings)
    assert answer.answered and needle in answer.text, (q, answer.text)


def test_a_question_pasted_with_a_terminal_colour_code_is_answered_as_without_it(seed_settings):
    plain = rag.ask("What did Hanoi sign with St Petersburg?", settings=seed_settings)
    for question in (
        "What did Hanoi sign with St Petersburg?\x1b[31m",
        "\x1b[1;32mWas hat Hanoi mit Sankt Petersburg unterzeichnet?\x1b[0m",
    ):
        coloured = rag.ask(question, settings=seed_settings)
        assert coloured.answered, question
        assert coloured.citations[0].group == plain.citations[0].group
        assert "[31m" not in coloured.query and "[0m" not in coloured.query
