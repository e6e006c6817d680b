"""The translation suite: alignment against a hand-checked gold, and detection of controlled edits.

``python -m eval.perturb [--json FILE] [--quick]`` copies the four seed translations (and the
interview, which must align with nothing) into a temporary folder, adds one sentence stating an
amount, a percentage and a population in each language's own conventions (so that amounts and
numbers can be edited: the seeds have none), then, one case at a time, edits one translation (a
date, a number, an amount, a code, a name, a region, a sentence dropped, two sentences merged),
re-ingests (only the edited document is embedded again and only its pairs re-aligned) and checks
the flag the alignment raises. It reports alignment precision and recall against
``eval/alignment_gold.json``, detection recall per kind, and false flags on the untouched copies.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.perturb_report import detected, flags_of, summarise, table

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD_ALIGNMENT = Path(__file__).with_name("alignment_gold.json")
DE, ID, EL, HI, IV = (
    "000_235633b48e1d49de.txt",
    "001_20e62da513ea2e91.txt",
    "002_62d8cc948397ae37.txt",
    "003_bd2f714c53714b98.txt",
    "004_094ef92761849e66.txt",
)
TRANSLATIONS = [DE, ID, EL, HI]

# One sentence added after the St Petersburg agreement's sentence in every translation, each written
# the way its language writes numbers (decimal comma in German, Indonesian and Greek).
ADDED = {
    DE: (
        "Sankt Petersburg (Russische Föderation) ein Kooperationsabkommen",
        " Das Abkommen hat ein Budget von 1,5 Millionen USD, deckt 12 Projekte ab und soll die "
        "Zusammenarbeit um 30 % steigern; die Partnerstadt hat 5.600.000 Einwohner.",
    ),
    ID: (
        "Saint Petersburg (Federasi Rusia) menandatangani",
        " Perjanjian ini memiliki anggaran 1,5 juta USD, mencakup 12 proyek dan akan meningkatkan "
        "kerja sama sebesar 30 %; kota mitra tersebut berpenduduk 5.600.000 jiwa.",
    ),
    EL: (
        "Αγίας Πετρούπολης (Ρωσική Ομοσπονδία)",
        " Η Συμφωνία έχει προϋπολογισμό 1,5 εκατομμύρια USD, καλύπτει 12 έργα και θα αυξήσει τη "
        "συνεργασία κατά 30 %· η αδελφή πόλη έχει 5.600.000 κατοίκους.",
    ),
    HI: (
        "सेंट पीटर्सबर्ग शहर (रूसी संघ)",
        " इस समझौते का बजट 1.5 मिलियन USD है, इसमें 12 परियोजनाएँ शामिल हैं और यह सहयोग को 30 % "
        "बढ़ाएगा; साझेदार शहर की आबादी 5,600,000 है।",
    ),
}


# The difference the seeds really have (issue 10): the German translation makes Hanoi the innovation
# centre "Nordchinas und ganz Chinas" (twice) where the others say the North region and the whole
# country. A flag of it is expected on every copy, not a false one.
REAL = ("meaning", DE, "Nordchina")


def is_real(flag: dict[str, Any]) -> bool:
    """The seeds' own difference as the offline check words it: the German text, nothing in the
    others (a flag quoting another version too is about something else, e.g. an edited region)."""
    kind, doc, text = REAL
    values = flag["values"]
    return bool(
        flag["kind"] == kind
        and text in values.get(doc, "")
        and not any(v for d, v in values.items() if d != doc)
    )


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # the flag expected ("none" for a merge: the alignment must absorb it)
    doc: str
    old: str
    new: str
    count: int = 1  # how many occurrences to replace


def cases() -> list[Case]:
    """The edits, each in one translation; every kind in more than one language where it can be."""
    out = [
        Case("date day de", "date", DE, "Am 6. März 2025", "Am 7. März 2025"),
        Case("date month id", "date", ID, "5 September 2025", "5 Oktober 2025"),
        Case("date year el", "date", EL, "6 Μαρτίου 2025", "6 Μαρτίου 2024"),
        Case("date day hi", "date", HI, "5 सितंबर, 2025", "15 सितंबर, 2025"),
        Case("number de", "number", DE, "12 Projekte", "14 Projekte"),
        Case("number id", "number", ID, "12 proyek", "21 proyek"),
        Case("number el", "number", EL, "5.600.000", "5.800.000"),
        Case("number hi", "number", HI, "5,600,000", "6,500,000"),
        Case("amount de", "amount", DE, "1,5 Millionen USD", "2,5 Millionen USD"),
        Case("amount id", "amount", ID, "1,5 juta USD", "1,25 juta USD"),
        Case("percent el", "amount", EL, "30 %", "35 %"),
        Case("percent hi", "amount", HI, "30 %", "20 %"),
        Case("code digits de", "code", DE, "334-KH/TU", "335-KH/TU"),
        Case("code digits hi", "code", HI, "19/DA-UBND", "91/DA-UBND"),
        Case("code letters id", "code", ID, "239/KH-UBND", "239/KH-UBTP"),
        Case("code digits el", "code", EL, "59-NQ/TW", "57-NQ/TW"),
        Case("name UNDP id", "name", ID, "(UNDP)", "(UNICEF)"),
        Case("name UNDP de", "name", DE, "(UNDP)", "(UNESCO)"),
        Case("name Korea id", "name", ID, "delegasi kerja di Korea", "delegasi kerja di Jepang"),
        Case(
            "region id", "meaning", ID, "pusat inovasi di kawasan Utara", "pusat inovasi di kawasan Selatan"
        ),
        Case("region el", "meaning", EL, "της Βόρειας περιοχής", "της Νότιας περιοχής"),
        Case(
            "drop sentence id",
            "missing",
            ID,
            "Belakangan ini, banyak kegiatan kerja sama internasional yang penting telah dilaksanakan. ",
            "",
        ),
        Case(
            "drop sentence el",
            "missing",
            EL,
            "Πρόσφατα, έχουν υλοποιηθεί πολλές σημαντικές δραστηριότητες διεθνούς συνεργασίας. ",
            "",
        ),
        Case("merge sentences de", "none", DE, "umgesetzt. Insbesondere das", "umgesetzt, insbesondere das"),
        Case("merge sentences hi", "none", HI, "गई हैं। उल्लेखनीय रूप से,", "गई हैं, उल्लेखनीय रूप से,"),
    ]
    return [*out, _drop_de()]


def _drop_de() -> Case:
    """The German agreement's second sentence, whole (read from the seed, so it stays exact)."""
    text = (SEEDS / DE).read_text(encoding="utf-8")
    start = text.index("Das Abkommen trägt zur Vertiefung")
    end = text.index(".", start) + 1
    return Case("drop sentence de", "missing", DE, " " + text[start:end], "")


def base_texts() -> dict[str, str]:
    """The seeds with the added sentence of numbers in each translation."""
    texts = {d: (SEEDS / d).read_text(encoding="utf-8") for d in [*TRANSLATIONS, IV]}
    for doc, (after, sentence) in ADDED.items():
        at = texts[doc].index(after)
        end = texts[doc].index("\n", at)
        texts[doc] = texts[doc][:end] + sentence + texts[doc][end:]
    return texts


def apply(texts: dict[str, str], case: Case) -> dict[str, str]:
    if texts[case.doc].count(case.old) < 1:
        raise ValueError(f"case {case.name}: {case.old!r} not in {case.doc}")
    return {**texts, case.doc: texts[case.doc].replace(case.old, case.new, case.count)}


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def alignment_scores(alignment: Any, gold: dict[str, Any]) -> tuple[int, int, int]:
    """(true, false, missed) linked sentence pairs over the translation pairs, against the gold groups.

    The gold names each sentence by its first 100 characters; a sentence of a copy stands for every
    gold sentence whose start it contains (two merged sentences stand for both).
    """
    from rag.translations.align import sentence_pairs

    def members(doc: str) -> list[set[int]]:
        texts = [_fold(t) for t in alignment.sentences[doc]["texts"]]
        return [
            {g for g, group in enumerate(gold["groups"]) for p in group.get(doc, []) if _fold(p) in t}
            for t in texts
        ]

    tp = fp = fn = 0
    for a_n, a in enumerate(TRANSLATIONS):
        for b in TRANSLATIONS[a_n + 1 :]:
            ga, gb = members(a), members(b)
            want = {(x, y) for x, sx in enumerate(ga) for y, sy in enumerate(gb) if sx & sy}
            got = sentence_pairs(alignment, a, b)
            tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    return tp, fp, fn


def run(
    quick: bool = False,
    progress: bool = True,
    settings_overrides: dict[str, Any] | None = None,
    only: str = "",
) -> dict[str, Any]:
    import rag
    from rag.index.store import get_store
    from rag.translations.sidecar import alignment as stored_alignment

    gold = json.loads(GOLD_ALIGNMENT.read_text(encoding="utf-8"))
    todo = cases()[::3] if quick else cases()
    todo = [c for c in todo if only in c.name]
    with tempfile.TemporaryDirectory(prefix="rag-perturb-") as tmp:
        docs, index = Path(tmp) / "docs", Path(tmp) / "index"
        docs.mkdir()
        settings = rag.get_settings(docs_dir=docs, index_dir=index, **(settings_overrides or {}))

        def write(texts: dict[str, str]) -> Any:
            for d, t in texts.items():
                if (docs / d).exists() and (docs / d).read_text(encoding="utf-8") == t:
                    continue
                (docs / d).write_text(t, encoding="utf-8")
            report = rag.ingest(settings=settings, progress=False)
            return report, stored_alignment(get_store(settings))

        # the seeds as they are: the alignment gold, and no flag
        for d in [*TRANSLATIONS, IV]:
            shutil.copy(SEEDS / d, docs / d)
        _, clean = write({})
        tp, fp, fn = alignment_scores(clean, gold)
        clean_flags = [f for f in flags_of(clean) if not is_real(f)]
        real = [f for f in flags_of(clean) if is_real(f)]
        interview_pairs = [p for p in clean.pairs.values() if p.translation and IV in (p.a, p.b)]
        base = base_texts()
        _, added = write(base)
        base_flags = [f for f in flags_of(added) if not is_real(f)]
        results = []
        for case in tqdm(todo, desc="perturb", unit="case", disable=not progress):
            report, alignment = write(apply(base, case))
            flags = [f for f in flags_of(alignment) if not is_real(f)]
            ok = not flags if case.kind == "none" else detected(case, flags)
            extra = [f for f in flags if f["kind"] != case.kind]
            if case.kind in ("missing", "none"):
                # a dropped or merged sentence changes what is aligned: score the alignment of the rest
                c_tp, c_fp, c_fn = alignment_scores(alignment, gold)
            else:
                c_tp = c_fp = c_fn = 0
            results.append(
                {
                    "case": case.name,
                    "kind": case.kind,
                    "doc": case.doc,
                    "detected": ok,
                    "other_flags": [{"kind": f["kind"], "values": f["values"]} for f in extra],
                    "realigned_pairs": report.realigned_pairs,
                    "alignment": [c_tp, c_fp, c_fn],
                }
            )
        write(base)  # leave the folder as it was (not needed, but keeps the last ingest honest)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    summary = summarise(tp, fp, fn, clean_flags, base_flags, interview_pairs, results)
    return {**summary, "real_flags": real, "generated": generated}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.perturb", description=__doc__)
    parser.add_argument("--json", type=Path, help="write the full result here")
    parser.add_argument("--md", type=Path, help="write the tables here")
    parser.add_argument("--quick", action="store_true", help="every third case only")
    parser.add_argument("--only", default="", help="only the cases whose name contains this")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a setting")
    args = parser.parse_args(argv)
    result = run(
        quick=args.quick, only=args.only, settings_overrides=dict(kv.split("=", 1) for kv in args.set)
    )
    text = table(result)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.md:
        args.md.write_text(
            "# Translation suite (`python -m eval.perturb`)\n\n" + text + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
