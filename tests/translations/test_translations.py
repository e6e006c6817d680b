"""Translations as one fact: alignment, differences between versions, notes (issue 10)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import rag
from eval.perturb import DE, EL, HI, ID, IV
from rag.index.records import DocSentences
from rag.index.store import get_store
from rag.settings import PROJECT_DIR
from rag.translations import align, compare, compass, facts, model, notes, places
from rag.translations.groups import Finding
from rag.translations.sidecar import alignment as stored_alignment


def _doc(doc_id: str, vecs: np.ndarray) -> DocSentences:
    n = len(vecs)
    return DocSentences(doc_id, "sha-" + doc_id, "xx", [(i, i + 1) for i in range(n)], ["c"] * n, vecs)


def _random_sentences(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, 64))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _noisy(v: np.ndarray, seed: int, noise: float = 0.3) -> np.ndarray:
    out = v + noise * np.random.default_rng(seed).normal(size=v.shape) / np.sqrt(v.shape[1])
    return out / np.linalg.norm(out, axis=1, keepdims=True)


# -- alignment on synthetic vectors (a translation = the same vectors with noise) ------------------
def test_alignment_links_a_translation_one_to_one():
    src = _random_sentences(10, 1)
    links = align.align_pair(align.centred_by_document(src), align.centred_by_document(_noisy(src, 2)))
    assert [(ln.a, ln.b) for ln in links] == [([i], [i]) for i in range(10)]


def test_alignment_links_two_sentences_merged_into_one():
    src = _random_sentences(10, 3)
    merged = np.vstack([src[:4], (src[4] + src[5])[None, :] / np.linalg.norm(src[4] + src[5]), src[6:]])
    links = align.align_pair(align.centred_by_document(src), align.centred_by_document(_noisy(merged, 4)))
    assert ([4, 5], [4]) in [(ln.a, ln.b) for ln in links]
    assert ([6], [5]) in [(ln.a, ln.b) for ln in links]


def test_alignment_skips_a_dropped_sentence():
    src = _random_sentences(10, 5)
    dropped = np.vstack([src[:3], src[4:]])
    links = align.align_pair(align.centred_by_document(src), align.centred_by_document(_noisy(dropped, 6)))
    pairs = [(ln.a, ln.b) for ln in links]
    assert all(3 not in a for a, _ in pairs)
    assert ([4], [3]) in pairs and len(pairs) == 9


def test_unrelated_documents_are_not_translations():
    pair = align.compare(_doc("a.txt", _random_sentences(10, 7)), _doc("b.txt", _random_sentences(10, 8)))
    assert not pair.translation
    same = align.compare(_doc("a.txt", (src := _random_sentences(10, 9))), _doc("b.txt", _noisy(src, 10)))
    assert same.translation and same.coverage == 1.0


# -- offline detection ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "6. März 2025",
        "6 Maret 2025",
        "6 Μαρτίου 2025",
        "6 मार्च, 2025",
        "ngày 6 tháng 3 năm 2025",
        "March 6, 2025",
    ],
)
def test_a_date_in_any_language_reads_as_the_same_date(text):
    assert [(f.kind, f.key) for f in facts.facts(f"Am {text} unterzeichnet.")] == [("date", "2025-3-6")]


def test_amounts_read_the_same_in_either_decimal_convention():
    de = facts.facts("Budget 1,5 Millionen USD und 523.292 Einwohner")
    hi = facts.facts("बजट 1.5 मिलियन USD और 523,292 निवासी")
    assert (
        [(f.kind, f.key) for f in de]
        == [(f.kind, f.key) for f in hi]
        == [("amount", "1.5"), ("number", "523292")]
    )


def test_codes_compare_by_digits_across_scripts_and_by_letters_in_latin():
    same = {"de": "Plan Nr. 334-KH/TU", "hi": "योजना संख्या 334-केएच/टीयू", "id": "Rencana No. 334-KH/TU"}
    assert compare.compare_units(same) == []
    letters = {**same, "id": "Rencana No. 334-KH/UB"}
    assert [f.kind for f in compare.compare_units(letters)] == ["code"]


def test_a_changed_number_is_flagged_with_what_each_version_says():
    units = {"de": "Am 6. März 2025 mit 12 Projekten.", "id": "Pada 6 Maret 2025 dengan 14 proyek."}
    (finding,) = compare.compare_units(units)
    assert finding.kind == "number" and finding.values == {"de": "12", "id": "14"}


def test_a_value_written_out_or_less_precise_in_one_version_is_no_difference():
    # professional translations (XQuAD) do both all the time: only a swapped value is a difference
    units = {
        "en": "In April 1991 the team won 3 titles.",
        "de": "Im April 1991 gewann das Team drei Titel.",
        "el": "Το 1991 η ομάδα κέρδισε 3 τίτλους.",
    }
    assert compare.compare_units(units) == []


def test_hyphenated_words_with_digits_are_not_codes():
    found = facts.facts("a 24-yard run, die 5-fachen Werte, the mid-1930s, Plan 334-KH/TU")
    assert [(f.kind, f.key) for f in found] == [("code", "334|KHTU"), ("number", "24"), ("number", "5")]


def test_an_acronym_spelled_out_is_no_difference_a_swapped_one_is():
    spelled = {
        "en": "The NFL and the AFC agreed.",
        "de": "Die NFL und die AFC einigten sich.",
        "hi": "नेशनल फुटबॉल लीग और एएफसी सहमत हुए।",
    }
    assert compare.compare_units(spelled) == []
    (finding,) = compare.compare_units({**spelled, "hi": "The NBA and the AFC agreed."})
    assert finding.kind == "name" and finding.values == {"hi": "NBA", "en": "NFL", "de": "NFL"}


def test_a_shared_latin_name_missing_from_one_version_is_flagged():
    units = {
        "de": "Hanoi und das Programm (UNDP) unterzeichneten.",
        "id": "Hanoi dan Program (UNICEF) menandatangani.",
        "el": "Το Ανόι και το Πρόγραμμα (UNDP) υπέγραψαν.",
    }
    (finding,) = compare.compare_units(units)
    assert finding.kind == "name" and finding.values["id"] == "UNICEF" and finding.values["de"] == "UNDP"


def test_a_country_named_in_one_version_only_is_a_meaning_difference():
    units = {
        "de": "Hanoi soll zum Innovationszentrum Nordchinas und ganz Chinas werden.",
        "id": "Hanoi menjadi pusat inovasi di kawasan Utara dan seluruh negeri.",
        "el": "Το Ανόι θα γίνει το κέντρο καινοτομίας της Βόρειας περιοχής και ολόκληρης της χώρας.",
    }
    (finding,) = compare.compare_units(units, {"de": "de", "id": "id", "el": "el"})
    assert finding.kind == "meaning" and finding.about == "CN"
    assert finding.values == {"de": "Nordchinas und ganz Chinas", "id": "", "el": ""}


def test_a_country_said_by_an_adjective_in_another_version_is_no_difference():
    units = {
        "id": "Kota Saint Petersburg (Federasi Rusia) menandatangani perjanjian.",
        "de": "Die Stadt Sankt Petersburg (Russische Föderation) unterzeichnete ein Abkommen.",
        "el": "Η πόλη της Αγίας Πετρούπολης (Ρωσική Ομοσπονδία) υπέγραψε συμφωνία.",
        "hi": "सेंट पीटर्सबर्ग शहर (रूसी संघ) ने समझौता किया।",
    }
    languages = {d: d for d in units}
    assert [m.key for m in places.countries(units["id"], "id")] == ["RU"]
    assert compare.compare_units(units, languages) == []


def test_opposite_compass_points_are_a_meaning_difference_the_same_one_is_not():
    north = {"id": "pusat inovasi di kawasan Utara", "el": "το κέντρο της Βόρειας περιοχής"}
    languages = {"id": "id", "el": "el", "hi": "hi"}
    assert compare.compare_units({**north, "hi": "उत्तरी क्षेत्र का केंद्र"}, languages) == []
    (finding,) = compare.compare_units({**north, "hi": "दक्षिणी क्षेत्र का केंद्र"}, languages)
    assert finding.kind == "meaning" and finding.values["hi"] == "दक्षिणी" and finding.values["id"] == "Utara"


def test_short_or_lowercase_latin_words_are_not_taken_for_countries():
    # "Anh" (United Kingdom in Vietnamese) is also "you"; "Nam" of "Việt Nam" is no compass point
    assert places.countries("anh ấy đến Hà Nội", "vi") == []
    assert compass.directions("Việt Nam và Hàn Quốc", "vi") == []


def test_the_note_names_the_country_a_version_does_not_name_in_the_answer_language():
    values = {"a": "Nordchinas", "b": "", "c": ""}
    langs = {"a": "de", "b": "id", "c": "el"}
    text = notes.note("meaning", values, langs, "de", about="CN")
    assert text == (
        "Die Übersetzungen weichen ab: die deutsche sagt “Nordchinas”; "
        "die indonesische und griechische nennen China nicht."
    )


def test_the_note_groups_versions_that_say_the_same():
    text = notes.note(
        "meaning",
        {"a": "Nordchinas", "b": "kawasan Utara", "c": "kawasan Utara"},
        {"a": "de", "b": "id", "c": "id"},
        "en",
    )
    expected = "the Indonesian ones say “kawasan Utara”; the German one says “Nordchinas”."
    assert text == "The translations differ: " + expected


def test_model_claimed_differences_need_verbatim_quotes_on_both_sides():
    units = {"a.txt": "Hanoi soll Zentrum Nordchinas werden.", "b.txt": "Hanoi menjadi pusat kawasan Utara."}
    reply = (
        '{"a": "A", "a_text": "Nordchinas", "b": "B", "b_text": "kawasan Utara"}\n'
        '{"a": "A", "a_text": "Südchinas", "b": "B", "b_text": "kawasan Selatan"}'  # not in the text
    )
    found = model.llm_meaning(units, chat=lambda messages: reply)
    assert [(f.kind, f.values) for f in found] == [
        ("meaning", {"a.txt": "Nordchinas", "b.txt": "kawasan Utara"})
    ]


# -- the seeds, real embedder -----------------------------------------------------------------------
def test_the_four_translations_align_and_the_interview_with_nothing(seed_settings):
    alignment = stored_alignment(get_store(seed_settings))
    assert align.pairs_of(alignment) == [
        (a, b) for n, a in enumerate([DE, ID, EL, HI]) for b in [DE, ID, EL, HI][n + 1 :]
    ]
    assert IV not in alignment.family
    # German and Indonesian give the innovation-centre goal a sentence of its own; Greek joins it to the last
    links = alignment.pairs[(DE, EL)].links
    assert ([4, 5], [4]) in [(ln.a, ln.b) for ln in links]


def test_the_only_flags_on_the_clean_seeds_are_the_german_north_china(seed_settings):
    findings = stored_alignment(get_store(seed_settings)).differences
    flags = [f for found in findings.values() for f in found]
    assert [f.kind for f in flags] == ["meaning", "meaning"]  # the two sentences that say it
    for f in flags:
        assert "Nordchina" in f.values[DE] and f.about == "CN"
        assert {d: v for d, v in f.values.items() if d != DE} == {ID: "", EL: "", HI: ""}


def test_the_north_china_answer_says_the_translations_differ(seed_settings):
    answer = rag.ask("Hanoi is to become the innovation centre of which region?", settings=seed_settings)
    (flag, *_) = [d for d in answer.disagreements if d.kind == "meaning"]
    assert flag.note in answer.text
    assert flag.note.startswith("The translations differ: the German one says “Nordchina")
    assert flag.note.endswith("ones do not name China.")


def test_the_st_petersburg_fact_is_one_group_backed_by_four_translations(seed_settings):
    answer = rag.ask("What did Hanoi sign with St Petersburg?", settings=seed_settings)
    groups = [c.group for c in answer.citations]
    first = [c for c in answer.citations if c.group == groups[0]]
    assert groups[0] is not None and {c.doc_id for c in first} == {DE, ID, EL, HI}
    assert groups[: len(first)] == [groups[0]] * len(first)  # adjacent


def test_a_changed_translation_realigns_only_its_pairs_and_is_flagged(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for d in (DE, ID, EL):
        shutil.copy(PROJECT_DIR / "seeds" / d, docs / d)
    settings = rag.get_settings(docs_dir=docs, index_dir=tmp_path / "index")
    first = rag.ingest(settings=settings, progress=False)
    assert first.realigned_pairs == 3 and len(first.translations) == 3
    text = (docs / ID).read_text(encoding="utf-8")
    (docs / ID).write_text(text.replace("6 Maret 2025", "7 Maret 2025"), encoding="utf-8")
    second = rag.ingest(settings=settings, progress=False)
    assert second.updated == [ID] and second.realigned_pairs == 2  # (DE, ID) and (ID, EL), not (DE, EL)
    answer = rag.ask("What did Hanoi sign with St Petersburg?", settings=settings)
    dates = [d for d in answer.disagreements if d.kind == "date"]
    assert dates and dates[0].values[ID] == "7 Maret 2025" and dates[0].values[DE] == "6. März 2025"
    assert dates[0].note in answer.text
    assert Path(docs / ID).read_text(encoding="utf-8")[0:10] == text[0:10]


def test_a_sentence_only_one_of_three_versions_has_is_not_reported_missing_one_dropped_is():
    from types import SimpleNamespace

    sentences = {d: {"texts": [f"Satz {d}.", "Noch einer."], "language": "de"} for d in "abc"}
    family = {d: set("abc") - {d} for d in "abc"}
    only_a = SimpleNamespace(groups={"g": [("a", 1)]}, family=family, sentences=sentences)
    assert compare.find_differences(only_a) == {}  # mostly a sentence split in three
    not_c = SimpleNamespace(groups={"g": [("a", 1), ("b", 1)]}, family=family, sentences=sentences)
    assert compare.find_differences(not_c) == {
        "g": [Finding("missing", {"a": "Noch einer.", "b": "Noch einer.", "c": ""})]
    }


def test_a_short_range_of_years_reads_as_both_years():
    assert [f.key for f in facts.facts("in 1348–50 and 1620-21")] == [
        "1348--",
        "1350--",
        "1620--",
        "1621--",
    ]


def test_a_demonym_or_a_name_inside_a_longer_name_is_no_country_swap():
    units = {
        "hi": "प्रभावी क्षेत्र लाओस एंजिल्स और सैन डिएगो हैं।",  # Hindi spells Los Angeles "Laos"
        "en": "The dominant areas are Los Angeles and San Diego.",
        "de": "Die dominierenden Gebiete sind Los Angeles und San Diego.",
    }
    found = compare.compare_units(units, {d: d for d in units})
    assert all(f.kind != "name" for f in found)  # "Diego" of "San Diego" is not Diego Garcia
