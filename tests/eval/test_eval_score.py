"""The scorer, the report's failure reasons and the BM25 baseline, on fake answers and tiny corpora
(no embedder, no index: the whole file runs in about a second)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from eval.baselines.bm25 import BM25Baseline
from eval.baselines.calibrate import best_threshold
from eval.baselines.corpus import sentences, standalone_query, tokenize
from eval.gold import GoldItem, Support
from eval.report import markdown
from eval.score import first_hit_rank, score_item, summarise, supporting_spans

DE = "Titel\nAm 6. März 2025 unterzeichneten Hanoi und Sankt Petersburg ein Abkommen.\nAndere Zeile.\n"
EL = "Τίτλος\nΣτις 6 Μαρτίου 2025 το Ανόι και η Αγία Πετρούπολη υπέγραψαν συμφωνία.\nΆλλη γραμμή.\n"
TEXTS = {"de.txt": DE, "el.txt": EL}


@dataclass(frozen=True)
class Cite:
    doc_id: str
    quote: str
    start: int
    end: int
    language: str = "de"


@dataclass
class FakeAnswer:
    text: str
    answered: bool
    citations: list[Cite] = field(default_factory=list)
    query: str = ""


@dataclass(frozen=True)
class FakePassage:
    doc_id: str
    start: int
    end: int
    translations: tuple[FakePassage, ...] = ()


def cite(doc: str, phrase: str) -> Cite:
    at = TEXTS[doc].index(phrase)
    return Cite(doc, phrase, at, at + len(phrase))


def item(kind: str = "fact", **extra: object) -> GoldItem:
    data: dict[str, object] = {
        "id": "stp",
        "question": "What did Hanoi sign with St Petersburg?",
        "lang": "en",
        "kind": kind,
        "expect": [["Petersburg", "Πετρούπολη"]],
        "support": [{"doc": "de.txt", "anchor": "Am 6. März"}, {"doc": "el.txt", "anchor": "Στις 6 Μαρτίου"}],
    }
    if kind == "unanswerable":
        data.update(expect=[], support=[])
    data.update(extra)
    if kind not in ("fact", "followup", "unanswerable"):  # a kind the schema of this branch lacks
        support = [Support(**d) for d in data.pop("support")]  # type: ignore[attr-defined]
        return GoldItem.model_construct(**data, support=support, history=[])
    return GoldItem.model_validate(data)


def score(gold: GoldItem, answer: FakeAnswer, passages: list[FakePassage] | None = None):  # type: ignore[no-untyped-def]
    return score_item(
        gold, answer, TEXTS, TEXTS.__getitem__, 12.0, passages, {"de.txt": "de", "el.txt": "el"}
    )


def test_a_right_answer_citing_the_passage_is_correct_precise_and_recalls_the_cited_share():
    c = cite("de.txt", "Hanoi und Sankt Petersburg ein Abkommen.")
    s = score(item(), FakeAnswer("Hanoi und Sankt Petersburg ein Abkommen.", True, [c]))
    assert s.correct is True and s.support_hit is True
    summary = summarise([s])
    assert summary["answer_accuracy"] == 1.0
    assert summary["citation_precision"] == 1.0
    assert summary["citation_recall"] == 0.5  # one of the two supporting documents cited
    assert summary["verbatim"] == 1.0
    assert s.doc_langs == "de+el"
    both = score(item(), FakeAnswer("Petersburg", True, [c, cite("el.txt", "Αγία Πετρούπολη")]))
    assert summarise([both])["citation_recall"] == 1.0


def test_a_citation_outside_the_supporting_passage_lowers_precision_not_recall():
    inside, outside = cite("de.txt", "Sankt Petersburg"), cite("de.txt", "Andere Zeile.")
    s = score(item(), FakeAnswer("Sankt Petersburg", True, [inside, outside]))
    summary = summarise([s])
    assert summary["citation_precision"] == 0.5
    assert summary["citation_recall"] == 0.5
    alone = summarise([score(item(), FakeAnswer("Sankt Petersburg", True, [outside]))])
    assert (
        alone["citation_precision"] == 0.0 and alone["citation_recall"] == 0.0 and alone["support_hit"] == 0.0
    )


def test_a_quote_that_is_not_the_text_at_its_offsets_lowers_the_verbatim_rate():
    good = cite("de.txt", "Sankt Petersburg")
    bad = Cite("de.txt", "St. Petersburg", good.start, good.end)
    s = score(item(), FakeAnswer("Sankt Petersburg", True, [good, bad]))
    assert summarise([s])["verbatim"] == 0.5


def test_refusals_count_as_right_on_unanswerable_items_and_as_false_refusals_on_answerable_ones():
    refused = FakeAnswer("The documents do not say.", False)
    unanswerable = score(item("unanswerable"), refused)
    assert unanswerable.refusal_ok is True and unanswerable.correct is None
    answerable = score(item(), refused)
    assert answerable.correct is False
    summary = summarise([unanswerable, answerable])
    assert summary["refusal_accuracy"] == 1.0
    assert summary["false_refusal"] == 1.0
    assert summarise([score(item("unanswerable"), FakeAnswer("Paris", True))])["refusal_accuracy"] == 0.0


def test_a_new_kind_is_scored_as_answerable():
    s = score(item("disagreement", disagree={"de.txt": "6. März"}), FakeAnswer("Petersburg", True))
    assert s.correct is True and s.refusal_ok is None


def test_hit_at_k_and_mrr_from_a_ranked_list_with_translations_at_their_leaders_rank():
    spans = supporting_spans(item(), TEXTS)
    de_line = DE.index("Am 6.")
    miss = FakePassage("de.txt", 0, 5)  # the title line
    hit = FakePassage("de.txt", de_line, de_line + 10)
    el_line = EL.index("Στις")
    grouped = FakePassage(
        "de.txt", DE.index("Andere"), len(DE), (FakePassage("el.txt", el_line, el_line + 5),)
    )
    assert first_hit_rank([hit], spans) == 1
    assert first_hit_rank([miss, miss, hit], spans) == 3
    assert first_hit_rank([miss, grouped, hit], spans) == 2  # the Greek translation rides at rank 2
    assert first_hit_rank([miss] * 10 + [hit], spans) is None  # past the top 10
    scores = [
        score(item(), FakeAnswer("Petersburg", True), ranked)
        for ranked in ([hit], [miss, miss, hit], [miss] * 6 + [hit], [miss])
    ]
    summary = summarise(scores)
    assert summary["hit@1"] == 0.25
    assert summary["hit@5"] == 0.5
    assert summary["mrr"] == round((1 + 1 / 3 + 1 / 7 + 0) / 4, 3)


def test_the_bm25_baseline_returns_the_line_sharing_tokens_and_cites_verified_offsets(tmp_path: Path):
    (tmp_path / "a.txt").write_text(
        "Das Wetter war gut.\nHanoi unterzeichnete ein Abkommen mit Sankt Petersburg. Es gilt ab 2025.\n"
    )
    (tmp_path / "b.txt").write_text("Ein anderes Thema ohne Bezug.\n")
    system = BM25Baseline(tmp_path)
    assert system.ingest() == {"documents": 2, "passages": 3}
    hits = system.retrieve("Was hat Hanoi mit Sankt Petersburg unterzeichnet?", k=10)
    assert [h.doc_id for h in hits] == ["a.txt"]
    text = (tmp_path / "a.txt").read_text()
    assert text[hits[0].start : hits[0].end] == hits[0].text and hits[0].text.startswith("Hanoi")
    answer = system.ask("Was hat Hanoi mit Sankt Petersburg unterzeichnet?")
    assert answer.answered is True
    (c,) = answer.citations
    assert text[c.start : c.end] == c.quote == "Hanoi unterzeichnete ein Abkommen mit Sankt Petersburg."
    assert system.ask("Ποιος κέρδισε;").answered is False  # no shared token
    follow = system.ask(
        "Und ab wann?", history=[{"role": "user", "content": "Abkommen mit Sankt Petersburg"}]
    )
    assert follow.query == "Abkommen mit Sankt Petersburg Und ab wann?"


def test_tokens_sentences_and_follow_up_queries():
    assert tokenize("नमस्ते, दुनिया!") == ["नमस्ते", "दुनिया"]  # vowel signs stay in their word
    text = "Heading\nFirst one. Second one!  \n\nLast"
    assert [text[s:e] for s, e in sentences(text)] == ["Heading", "First one.", "Second one!", "Last"]
    assert standalone_query("And?", None) == "And?"


def test_the_vector_threshold_is_the_best_balanced_cut():
    threshold, balanced = best_threshold([0.83, 0.85, 0.9], [0.7, 0.82])
    assert threshold == 0.825 and balanced == 1.0
    assert best_threshold([0.8, 0.9], [0.85]) == (0.875, 0.75)  # not separable: the best cut


@pytest.mark.parametrize("fresh", [True, False])
def test_the_report_lists_failing_items_of_the_product(fresh: bool):
    wrong = score(item(), FakeAnswer("Paris", True, [cite("de.txt", "Andere Zeile.")]))
    right = score(item(), FakeAnswer("Petersburg", True, [cite("de.txt", "Sankt Petersburg")]))
    result = {
        "generated": "2026-11-23T00:00:00+00:00",
        "gold": {"file": "gold.jsonl", "items": 2, "limit": None},
        "machine": {"cpus": 2, "python": "3.11", "load_start": 0.5, "load_end": 0.7},
        "path": "offline",
        "systems": {
            name: {
                "overall": summarise(items),
                "by_qlang": {"en": summarise(items)},
                "by_doclang": {"de+el": summarise(items)},
                "by_kind": {"fact": summarise(items)},
                "items": [s.__dict__ for s in items],
            }
            for name, items in (("bm25", [wrong, wrong]), ("product", [wrong, right]))
        },
    }
    md = markdown(result, [], [], fresh)
    assert "| stp | en | fact | wrong answer | What did Hanoi sign with St Petersburg? | Paris |" in md
    assert "| bm25 | 2 | 0 | 0 | 0 | 2 | 2 |" in md
    assert "en: ahead (0.5 vs bm25 0)" in md
