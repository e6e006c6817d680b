"""The alignment sidecar (typed findings, old sidecars still read), the translations stage run by the
ingest as a hook, the chat model injected into it, and what the translations package may import."""

from __future__ import annotations

import ast
import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.index.store import get_store
from rag.ingestion import pipeline
from rag.translations import facts, model, notes
from rag.translations.groups import ALIGN_VERSION, Alignment, Finding, Link, PairAlignment
from rag.translations.refresh import refresh
from rag.translations.sidecar import alignment as stored_alignment

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Hanoi unterzeichnete am 6. März 2025 ein Abkommen.\nEs umfasst Handel und Wissenschaft.\n"


def _alignment() -> Alignment:
    pair = PairAlignment("a.txt", "b.txt", "sa", "sb", True, 1.0, 0.9, [Link([0], [0], 0.9)])
    sentences = {
        d: {
            "sha": "s" + d[0],
            "language": lang,
            "spans": [(0, 5)],
            "chunks": ["c" + d[0]],
            "texts": ["Hallo"],
        }
        for d, lang in (("a.txt", "de"), ("b.txt", "id"))
    }
    return Alignment({("a.txt", "b.txt"): pair}, sentences)


def test_findings_are_typed_and_survive_the_sidecar():
    al = _alignment()
    (gid,) = al.groups
    al.differences = {gid: [Finding("meaning", {"a.txt": "Nordchinas", "b.txt": ""}, about="CN")]}
    al.findings_version, al.llm_model = 5, "m"
    al.llm_cache = {"k": [Finding("meaning", {"a.txt": "x", "b.txt": "y"})]}
    data = json.loads(json.dumps(al.to_json(), ensure_ascii=False))
    assert data["version"] == ALIGN_VERSION and "extra" not in data
    back = Alignment.from_json(data)
    assert back.findings(gid) == [Finding("meaning", {"a.txt": "Nordchinas", "b.txt": ""}, "CN")]
    assert (back.findings_version, back.llm_model, back.llm_cache) == (5, "m", al.llm_cache)
    assert back.groups == al.groups


def test_a_sidecar_of_the_extra_layout_is_read_as_it_stands():
    al = _alignment()
    (gid,) = al.groups
    data = al.to_json()
    for key in ("findings", "findings_version", "llm_model", "llm_cache"):
        data.pop(key)
    found = {gid: [{"kind": "date", "values": {"a.txt": "6. März", "b.txt": "7 Maret"}}]}
    data |= {"version": 1, "extra": {"findings": found, "findings_version": 5, "llm_cache": {}}}
    old = Alignment.from_json(json.loads(json.dumps(data)))
    assert old.findings(gid) == [Finding("date", {"a.txt": "6. März", "b.txt": "7 Maret"})]
    assert old.findings_version == 5 and old.llm_model is None and old.pairs
    with pytest.raises(ValueError):  # another version: the sidecar reader treats it as absent
        Alignment.from_json({**data, "version": 99})


def test_a_groups_versions_come_in_the_order_of_their_ids_in_every_process():
    script = (
        "from types import SimpleNamespace\n"
        "from rag.translations.groups import group_units\n"
        "ds = ['000_a.txt', '001_b.txt', '002_c.txt', '003_d.txt']\n"
        "al = SimpleNamespace(groups={'g': [(ds[2], 0)]}, family={d: set(ds) - {d} for d in ds},"
        " sentences={d: {'texts': ['x']} for d in ds})\n"
        "print(list(group_units(al, 'g')))\n"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert runs == {"['000_a.txt', '001_b.txt', '002_c.txt', '003_d.txt']\n"}


def _two_copies(docs: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (docs / name).write_text(TEXT, encoding="utf-8")


def test_ingest_without_the_hook_aligns_nothing_and_with_it_stores_the_model_findings(docs, hash_settings):
    _two_copies(docs)
    bare = pipeline.ingest(hash_settings, progress=False)
    assert (bare.realigned_pairs, bare.translations) == (0, [])
    asked: list[str] = []

    def chat(messages: list[dict[str, str]]) -> str:
        asked.append(messages[-1]["content"])
        return '{"a": "A", "a_text": "Handel", "b": "B", "b_text": "Wissenschaft"}'

    hook = functools.partial(refresh, chat=chat, model="scripted", unavailable=(RuntimeError,))
    report = pipeline.ingest(hash_settings, progress=False, refresh=hook)
    assert report.translations == [["a.txt", "b.txt"]] and report.realigned_pairs == 1
    al = stored_alignment(get_store(hash_settings))
    assert al.llm_model == "scripted" and len(asked) == len(al.groups) == 2
    flagged = [f for fs in al.differences.values() for f in fs]
    assert flagged == [Finding("meaning", {"a.txt": "Handel", "b.txt": "Wissenschaft"})]
    again = pipeline.ingest(hash_settings, progress=False, refresh=hook)
    assert again.realigned_pairs == 0 and len(asked) == 2  # nothing changed: the model is not asked


def test_a_model_that_cannot_be_reached_ends_the_comparison_and_the_offline_findings_stay(
    docs, hash_settings
):
    _two_copies(docs)

    def down(messages: list[dict[str, str]]) -> str:
        raise RuntimeError("cannot connect")

    hook = functools.partial(refresh, chat=down, model="m", unavailable=(RuntimeError,))
    report = pipeline.ingest(hash_settings, progress=False, refresh=hook)
    al = stored_alignment(get_store(hash_settings))
    assert report.translations == [["a.txt", "b.txt"]] and al.findings_version is not None
    assert al.llm_cache == {} and al.differences == {}


def test_a_date_reads_in_the_month_names_of_the_versions_language():
    assert [f.key for f in facts.facts("6 марта 2025 года")] == ["2025--", "6"]  # Russian is no default
    assert [f.key for f in facts.facts("6 марта 2025 года", ["ru"])] == ["2025-3-6"]


def test_a_version_in_another_language_is_named_by_cldr_in_the_note():
    text = notes.note("number", {"a": "12", "b": "14"}, {"a": "fr", "b": "de"}, "en")
    assert text == "The translations differ: the French one says “12”; the German one says “14”."
    assert notes.version_name("hi", "hi") == "हिंदी" and notes.version_name("en", "vi") == "tiếng Anh"
    assert notes.version_name("fr", "de") == "fr"  # no German adjective for it: the code, as before


def test_the_model_prompt_lives_with_the_comparison():
    sent: list[list[dict[str, str]]] = []
    model.llm_meaning({"a": "x y", "b": "z w"}, lambda messages: sent.append(messages) or "NONE")
    assert sent[0][0]["content"] == model.COMPARE_SYSTEM and "A: x y\nB: z w" in sent[0][1]["content"]


def _imports(package: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "rag" / package).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
    return {m for m in found if m.startswith("rag.")}


def test_translations_and_text_import_only_what_lies_below_them():
    below_translations = (
        "rag.translations",
        "rag.ingestion",
        "rag.index",
        "rag.text",
        "rag.settings",
        "rag.types",
    )
    assert all(m.startswith(below_translations) for m in _imports("translations")), _imports("translations")
    assert all(m.startswith(("rag.text", "rag.settings", "rag.types")) for m in _imports("text"))
    assert not any(m.startswith(("rag.translations", "rag.llm")) for m in _imports("ingestion"))
