"""The gold schema and its validation against the documents (no embedder: files in tmp_path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.coverage import is_fact_line, paragraphs, parallel_groups, supported_lines
from eval.gold import GoldError, load_gold

DE = "Am 6. März 2025 unterzeichneten Hanoi und Sankt Petersburg ein Abkommen über Nordchina.\n"
ID = "Pada 6 Maret 2025 Hanoi dan Saint Petersburg menandatangani perjanjian tentang kawasan Utara.\n"
SOURCE = "Quelle: https://example.org/article\n"


def _item(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "q1",
        "question": "What did Hanoi sign with St Petersburg?",
        "lang": "en",
        "kind": "fact",
        "expect": [["Petersburg"]],
        "support": [{"doc": "de.txt", "anchor": "Sankt Petersburg"}],
    }
    return {**base, **fields}


def _disagreement(**fields: Any) -> dict[str, Any]:
    return _item(
        id="d1",
        kind="disagreement",
        expect=[["Nord", "Utara"]],
        support=[{"doc": "de.txt", "anchor": "Nordchina"}, {"doc": "id.txt", "anchor": "kawasan Utara"}],
        disagree={"de.txt": "über Nordchina", "id.txt": "tentang kawasan Utara"},
        **fields,
    )


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "de.txt").write_text(DE + SOURCE, encoding="utf-8")
    (d / "id.txt").write_text(ID + SOURCE, encoding="utf-8")
    return d


def _write(tmp_path: Path, *items: dict[str, Any]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    return path


def test_a_valid_file_loads(tmp_path: Path, docs: Path) -> None:
    unanswerable = _item(id="u1", kind="unanswerable", expect=[], support=[])
    followup = _item(
        id="f1",
        kind="followup",
        question="And when?",
        history=[
            {"role": "user", "content": "What did Hanoi sign?"},
            {"role": "assistant", "content": "An agreement."},
        ],
        expect=[["6. März 2025"]],
    )
    items, texts = load_gold(_write(tmp_path, _item(), followup, unanswerable, _disagreement()), docs)
    assert [i.id for i in items] == ["q1", "f1", "u1", "d1"]
    assert [i.answerable for i in items] == [True, True, False, True]
    assert items[3].disagree["de.txt"] == "über Nordchina"
    assert set(texts) == {"de.txt", "id.txt"}


def test_an_anchor_missing_from_its_document_is_an_error_naming_the_item(tmp_path: Path, docs: Path) -> None:
    bad = _item(id="lost", support=[{"doc": "de.txt", "anchor": "Paris"}])
    with pytest.raises(GoldError, match=r"gold\.jsonl:2: lost: anchor 'Paris' not found in de\.txt"):
        load_gold(_write(tmp_path, _item(), bad), docs)


def test_an_anchor_standing_in_two_lines_is_an_error(tmp_path: Path, docs: Path) -> None:
    (docs / "de.txt").write_text(DE + DE, encoding="utf-8")
    with pytest.raises(GoldError, match="q1: anchor 'Sankt Petersburg' stands in 2 lines"):
        load_gold(_write(tmp_path, _item()), docs)


def test_a_disagree_text_not_in_its_document_is_an_error(tmp_path: Path, docs: Path) -> None:
    bad = _disagreement()
    bad["disagree"]["id.txt"] = "tentang Tiongkok Utara"
    with pytest.raises(GoldError, match=r"d1: disagree text 'tentang Tiongkok Utara' not found in id\.txt"):
        load_gold(_write(tmp_path, bad), docs)


def test_disagree_on_a_document_that_does_not_exist_is_an_error(tmp_path: Path, docs: Path) -> None:
    bad = _disagreement()
    bad["disagree"]["el.txt"] = "Βόρεια"
    with pytest.raises(GoldError, match=r"d1: cites missing document el\.txt"):
        load_gold(_write(tmp_path, bad), docs)


@pytest.mark.parametrize("kind", ["fact", "followup", "unanswerable"])
def test_disagree_on_a_non_disagreement_item_is_an_error(tmp_path: Path, docs: Path, kind: str) -> None:
    bad = _item(id="x1", kind=kind, disagree={"de.txt": "Nordchina", "id.txt": "Utara"})
    expected = (
        rf"gold\.jsonl:1: x1: item: .*'disagree' is only allowed on disagreement items, not on '{kind}'"
    )
    with pytest.raises(GoldError, match=expected):
        load_gold(_write(tmp_path, bad), docs)


@pytest.mark.parametrize("disagree", [{}, {"de.txt": "Nordchina"}])
def test_a_disagreement_item_needs_texts_from_two_documents(
    tmp_path: Path, docs: Path, disagree: dict[str, str]
) -> None:
    bad = _disagreement()
    bad["disagree"] = disagree
    with pytest.raises(
        GoldError,
        match="d1: item: Value error, a disagreement item needs 'disagree' texts from at least two documents",
    ):
        load_gold(_write(tmp_path, bad), docs)


def test_a_disagreement_item_is_answerable_so_needs_expect_and_support(tmp_path: Path, docs: Path) -> None:
    bad = _disagreement()
    bad["expect"] = []
    with pytest.raises(GoldError, match="d1: is answerable but has no expect/support"):
        load_gold(_write(tmp_path, bad), docs)


def test_an_unknown_kind_is_an_error_naming_the_item(tmp_path: Path, docs: Path) -> None:
    with pytest.raises(
        GoldError,
        match=r"gold\.jsonl:1: q1: kind: Input should be 'fact', 'followup', 'unanswerable' or 'disagr",
    ):
        load_gold(_write(tmp_path, _item(kind="opinion")), docs)


def test_fact_lines_skip_short_lines_sources_images_and_bare_questions() -> None:
    assert is_fact_line(DE)
    assert not is_fact_line("Kommentar (0)")
    assert not is_fact_line(SOURCE)
    assert not is_fact_line("![]() |")
    assert not is_fact_line("- Können Sie uns bitte die vorläufigen Ergebnisse der Umsetzung mitteilen?")
    # a statement followed by the interviewer's question still states something
    assert is_fact_line(
        "Die Stadt hat reichlich Haushaltseinnahmen und viele Probleme. Welche Hindernisse gibt es?"
    )


def test_translations_are_grouped_and_a_paragraph_is_covered_by_any_of_them(
    tmp_path: Path, docs: Path
) -> None:
    other = "Ein anderes Dokument ohne Quelle, aber mit genug Text, um als Absatz zu zählen.\n"
    texts = {p.name: p.read_text(encoding="utf-8") for p in docs.iterdir()} | {"other.txt": other}
    assert sorted(parallel_groups(texts)) == [("de.txt", "id.txt"), ("other.txt",)]
    items, _ = load_gold(_write(tmp_path, _item()), docs)
    hits = supported_lines(items, texts)
    pars = paragraphs(texts)
    assert [(p.docs, p.line) for p in pars] == [(("de.txt", "id.txt"), 0), (("other.txt",), 0)]
    assert ("de.txt", 0) in hits
    assert ("other.txt", 0) not in hits
