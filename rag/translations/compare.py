"""Where the translations of one sentence differ: numbers, dates, amounts, codes, names, places.

Run at ingest over every group of aligned sentences (align.py), with no model: each version's
facts are read into comparable keys (facts.py) and a key that some versions have and others lack is
a difference; acronyms and countries are compared as names, compass points as meaning (places.py,
compass.py). Meaning-level differences ("Nordchina" for "the North region") need a model: see
model.py. The findings are stored in the alignment sidecar (groups.py) and said in a note (notes.py).
"""

from __future__ import annotations

import re
from collections import Counter

from rag.text.normalise import fold
from rag.translations import compass, places
from rag.translations.facts import Fact, facts
from rag.translations.groups import Alignment, Finding, group_units

_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9&]*[A-Z][A-Z0-9]*(?![\w-])")
_ROMAN = re.compile(r"[IVXLCDM]+")


def _acronyms(text: str) -> dict[str, str]:
    """Acronyms (UNDP, NFL, KOICA): the one kind of name every translation writes the same way.
    Roman numerals (XLIX) are numbers. Folded -> as written."""
    return {w.casefold(): w for w in _ACRONYM.findall(text) if not _ROMAN.fullmatch(w)}


def compare_facts(units: dict[str, str], languages: dict[str, str] | None = None) -> list[Finding]:
    """Differences of dates, amounts, numbers and codes between versions of one passage.

    ``units`` maps doc_id to the text of its version (its sentences of the group, joined). A
    version differs when it states a value no other version states *and* lacks one that at least
    half of the others state: a swap ("14 Projekte" where the others say 12). A value merely
    missing from a version is no difference, since translations write small numbers out ("three")
    and drop or add precision ("1991" for "April 1991"); a value merely added is none either.
    """
    langs = languages or {}
    per_doc = {d: facts(t, [langs[d]] if d in langs else []) for d, t in units.items()}
    out: list[Finding] = []
    for kind in ("date", "amount", "number", "code"):
        odd: dict[str, set[str]] = {d: set() for d in units}
        wanted: set[str] = set()
        for keys in _key_sets(per_doc, kind):
            for d, mine in keys.items():
                others = [o for o in keys if o != d]
                own = {k for k in mine if not any(_same(kind, k, x) for o in others for x in keys[o])}
                lacking = {
                    k
                    for o in others
                    for k in keys[o]
                    if 2 * sum(any(_same(kind, k, x) for x in keys[p]) for p in others) >= len(others)
                    and not any(_same(kind, k, x) for x in mine)
                }
                if own and lacking:
                    odd[d] |= own
                    wanted |= lacking
        if not any(odd.values()):
            continue
        values = {
            d: "; ".join(
                f.surface for f in per_doc[d] if f.kind == kind and _in(f, odd[d] if odd[d] else wanted)
            )
            for d in units
        }
        out.append(Finding(kind, values))
    return out


def _same(kind: str, a: str, b: str) -> bool:
    """Whether two values agree; a date agrees with a less precise one of the same year (1991 and
    April 1991), not with a different day."""
    if kind != "date":
        return a == b
    return all(x == y for x, y in zip(a.split("-"), b.split("-"), strict=True) if x and y)


def _in(fact: Fact, keys: set[str]) -> bool:
    return fact.key in keys or fact.key.split("|")[0] in keys


def _key_sets(per_doc: dict[str, list[Fact]], kind: str) -> list[dict[str, set[str]]]:
    """The comparisons to make for ``kind``: codes by their digits in every version, and by their
    letters too between the versions that write them in Latin script (Hindi transliterates them)."""
    of_kind = {d: [f for f in fs if f.kind == kind] for d, fs in per_doc.items()}
    if kind != "code":
        return [{d: {f.key for f in fs} for d, fs in of_kind.items()}]
    digits = {d: {f.key.split("|")[0] for f in fs} for d, fs in of_kind.items()}
    latin = {d: {f.key for f in fs} for d, fs in of_kind.items() if fs and all("|" in f.key for f in fs)}
    return [digits, latin] if len(latin) >= 2 else [digits]


def compare_names(units: dict[str, str]) -> Finding | None:
    """An acronym the other versions share, swapped for another in one version ("UNICEF" where the
    others say "UNDP"). Only a swap: a translation may spell an acronym out or transliterate it
    (Hindi does), which is no difference. Other names are compared as places (places.py); names
    of people and bodies would need a recogniser this project does not have."""
    found = {d: _acronyms(t) for d, t in units.items()}
    counts = Counter(k for names in found.values() for k in names)
    values: dict[str, str] = {}
    for d, names in found.items():
        own = [w for k, w in names.items() if counts[k] == 1]
        lacking = [k for k, n in counts.items() if n >= 2 and k not in names]
        if own and lacking:
            values[d] = "; ".join(own)
            for o, theirs in found.items():
                if o != d and any(k in theirs for k in lacking):
                    values.setdefault(o, "; ".join(theirs[k] for k in lacking if k in theirs))
    return Finding("name", values) if values else None


def compare_places(units: dict[str, str], languages: dict[str, str]) -> list[Finding]:
    """Differences seen in place words. A country one version names and another does not even
    mention: a "name" difference when that other version mentions a country instead ("Jepang" for
    "Korea"), a "meaning" one when it has none ("Nordchinas und ganz Chinas" for "the North region
    and the whole country"). And opposite compass points ("Utara" in one, "Selatan" in another)."""
    out: list[Finding] = []
    named = {d: places.countries(t, languages.get(d, "")) for d, t in units.items()}
    said = {d: places.mentions(t, languages.get(d, "")) for d, t in units.items()}
    for code in dict.fromkeys(m.key for ms in named.values() for m in ms):
        namers = [d for d, ms in named.items() if any(m.key == code for m in ms)]
        silent = [d for d in units if not any(m.key == code for m in said[d])]
        # one version alone names it and none of the others says anything of it
        if len(namers) != 1 or len(silent) != len(units) - 1:
            continue
        (namer,) = namers
        own = [m for m in said[namer]]
        instead = {
            d: [m for m in said[d] if all(m.key != o.key for o in own) and places.looks_named(units[d], m)]
            for d in silent
        }
        # a swap puts one place for another ("Jepang" for "Korea", which may be either Korea); a
        # version listing countries the namer does not is no swap
        swapped = all(1 <= len({m.key for m in ms}) <= 2 for ms in instead.values())
        if not swapped and not places.names_are_specific(languages.get(namer, "")):
            continue  # "người Pháp", "Ấn Độ giáo": the name also says "French", "Hindu"
        values = {namer: places.span_of(units[namer], [m for m in named[namer] if m.key == code])}
        values |= {d: places.span_of(units[d], ms) if swapped else "" for d, ms in instead.items()}
        out.append(Finding("name" if swapped else "meaning", values, about="" if swapped else code))
    points = {d: compass.directions(t, languages.get(d, "")) for d, t in units.items()}
    for point in ("N", "E"):
        opposite = compass.OPPOSITE[point]
        keys = {d: {m.key for m in ms} for d, ms in points.items()}
        one = [d for d, k in keys.items() if point in k and opposite not in k]
        other = [d for d, k in keys.items() if opposite in k and point not in k]
        if one and other:
            out.append(Finding("meaning", {d: places.span_of(units[d], points[d]) for d in one + other}))
    return out


def compare_units(units: dict[str, str], languages: dict[str, str] | None = None) -> list[Finding]:
    """Every difference between the versions ``units`` (doc_id -> text) of one group; ``languages``
    (doc_id -> code) says how to read their month names, countries and compass points."""
    languages = languages or {}
    found = compare_facts(units, languages)
    name = compare_names(units)
    return found + ([name] if name else []) + compare_places(units, languages)


# stored with the findings: a sidecar written by another version of the comparisons is compared again
FINDINGS_VERSION = 5


def find_differences(alignment: Alignment) -> dict[str, list[Finding]]:
    """Findings per sentence group of an alignment, as stored in its sidecar."""
    out: dict[str, list[Finding]] = {}
    for gid in alignment.groups:
        units = group_units(alignment, gid)
        if len(units) < 2:
            continue
        languages = {d: alignment.sentences[d]["language"] for d in units if d in alignment.sentences}
        # a version without the sentence: that is the difference, its facts are not compared
        having = sum(bool(u) for u in units.values())
        if having == 1 and len(units) >= 3:
            # one version alone has it: mostly a sentence split in three, which the aligner (1:2 at
            # most) leaves over; a dropped sentence leaves the others with it
            continue
        missing = having < len(units)
        found = [Finding("missing", units)] if missing else compare_units(units, languages)
        if found:
            out[gid] = found
    return _without_conventions(out)


def _without_conventions(found: dict[str, list[Finding]]) -> dict[str, list[Finding]]:
    """Drop name swaps that recur: a translation that writes "AEUV" wherever the others write "TFEU"
    follows its language's convention; a name changed once is the difference worth telling."""
    seen = Counter(_signature(f) for fs in found.values() for f in fs if f.kind == "name")
    out = {}
    for gid, fs in found.items():
        kept = [f for f in fs if f.kind != "name" or seen[_signature(f)] < 2]
        if kept:
            out[gid] = kept
    return out


def _signature(f: Finding) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((d, fold(v, compatibility=False)) for d, v in f.values.items()))
