"""Where the translations of one sentence differ: numbers, dates, amounts, codes, names, sentences.

Run at ingest over every group of aligned sentences (align.py), with no model: each version's
facts are read into comparable keys (a date in any of the languages is (year, month, day); an
amount is its value whatever the decimal convention; a code is its digits, and its letters where
both versions write them in Latin script) and a key that some versions have and others lack is
a difference. Meaning-level differences ("Nordchina" for "the North region") need a model: see
``compare_prompt`` in prompts.py and ``llm_findings`` below.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from rag.llm import client as llm
from rag.llm.prompts import COMPARE_SYSTEM, COMPARE_USER
from rag.llm.prompts import LANGUAGE_NAMES as PROMPT_LANGUAGE_NAMES
from rag.translations import places
from rag.translations.align import group_units

logger = logging.getLogger(__name__)

MONTHS: dict[str, int] = {}
for _month_names in (
    "january february march april may june july august september october november december",
    "januar februar märz april mai juni juli august september oktober november dezember",
    "januari februari maret april mei juni juli agustus september oktober november desember",
    "ιανουαρίου φεβρουαρίου μαρτίου απριλίου μαΐου ιουνίου ιουλίου αυγούστου σεπτεμβρίου "
    "οκτωβρίου νοεμβρίου δεκεμβρίου",
    "ιανουάριος φεβρουάριος μάρτιος απρίλιος μάιος ιούνιος ιούλιος αύγουστος σεπτέμβριος "
    "οκτώβριος νοέμβριος δεκέμβριος",
    "जनवरी फ़रवरी मार्च अप्रैल मई जून जुलाई अगस्त सितंबर अक्टूबर नवंबर दिसंबर",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
):
    for _n, _word in enumerate(_month_names.split(), start=1):
        MONTHS[unicodedata.normalize("NFC", _word)] = _n
MONTHS.update({"फरवरी": 2, "सितम्बर": 9, "नवम्बर": 11, "दिसम्बर": 12, "jänner": 1, "agust": 8})

_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_DATES = [
    # 6. März 2025 / 6 Maret 2025 / 6 Μαρτίου 2025 / 6 मार्च, 2025 / 6 March 2025
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})\.?\s+(?P<m>{_MONTH})\s*,?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
    # March 6, 2025
    re.compile(rf"(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
    # ngày 6 tháng 3 năm 2025
    re.compile(r"(?:ngày\s+)?(?P<d>\d{1,2})\s+tháng\s+(?P<mn>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.IGNORECASE),
    # 06/03/2025, 6.3.2025 (day first: the convention of every language here but English)
    re.compile(r"(?<![\d/.])(?P<d>\d{1,2})[./](?P<mn>\d{1,2})[./](?P<y>\d{4})(?![\d/])"),
    # März 2025 / tháng 3 năm 2025
    re.compile(rf"(?P<m>{_MONTH})\s*,?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
    re.compile(r"tháng\s+(?P<mn>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.IGNORECASE),
    # a year alone
    re.compile(r"(?<![\d.,/-])(?P<y>(?:19|20)\d{2})(?![\d.,/]\d)"),
]
# 1348-50, 1620–21: a range of years written short
_YEAR_RANGE = re.compile(r"(?<![\d.,/-])((?:1\d|20)\d\d)\s?[-–]\s?(\d\d)(?![\d.,/-]?\d)")
# 334-KH/TU, 19/DA-UBND, 59-NQ/TW, 334-केएच/टीयू: digits and letters joined by - or /
_CODE = re.compile(r"(?<![\w/-])(?=[\w/-]*\d)(?=[\w/-]*[^\W\d_])[\w]+(?:[-/][\w]+)+(?![\w/-])")
# 523.292 / 523,292 / 1,5 / 97.39 / 12
_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:([.,\u00a0 ])\d{3})(?:\1\d{3})*(?:[.,]\d+)?(?![\w])"
    r"|(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])"
)
_PERCENT = re.compile(r"^\s*(%|prozent|persen|τοις εκατό|प्रतिशत|phần trăm|percent|per cent)", re.IGNORECASE)
_SCALE = re.compile(
    r"^\s*(mio|millionen?|million|juta|εκατομμύρια|मिलियन|triệu|mrd|milliarden?|billion|miliar|δισ|"
    r"अरब|tỷ|usd|vnd|eur|euro|dollar|đồng|dong|rupiah)\b",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"(\$|€|usd|vnd|eur|rp\.?)\s*$", re.IGNORECASE)
_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Z0-9&]*[A-Z][A-Z0-9]*(?![\w-])")
_ROMAN = re.compile(r"[IVXLCDM]+")


@dataclass(frozen=True)
class Fact:
    kind: str  # "date", "number", "amount", "code"
    key: str
    surface: str


def _value(token: str) -> str:
    """A number's value, whichever decimal convention wrote it: 523.292 = 523,292; 1,5 = 1.5."""
    t = token.replace("\u00a0", "").replace(" ", "")
    seps = [c for c in t if c in ".,"]
    if not seps:
        digits = t
    elif len(set(seps)) == 2:  # both: the last one is the decimal mark
        dec = t.rfind(seps[-1])
        digits = re.sub(r"[.,]", "", t[:dec]) + "." + t[dec + 1 :]
    else:
        parts = re.split(r"[.,]", t)
        if len(parts) > 2 or (len(parts[-1]) == 3 and len(parts[0]) <= 3):
            digits = "".join(parts)  # thousands groups
        else:
            digits = parts[0] + "." + parts[1]
    try:
        return format(Decimal(digits).normalize(), "f")
    except InvalidOperation:
        return t


def facts(text: str) -> list[Fact]:
    """The dates, codes, amounts and numbers stated in ``text``."""
    text = unicodedata.normalize("NFC", text)
    taken = [False] * len(text)
    found: list[Fact] = []

    def free(m: re.Match[str]) -> bool:
        return not any(taken[m.start() : m.end()])

    def take(m: re.Match[str]) -> None:
        taken[m.start() : m.end()] = [True] * (m.end() - m.start())

    for m in _CODE.finditer(text):
        code = m.group()
        if "/" not in code and not re.search(r"[A-Z]", code):
            continue  # "24-yard", "5-fachen", "mid-1930s": words, not a document's code
        letters = re.sub(r"[^A-Za-z]", "", code).upper()
        latin = bool(letters) and not re.search(r"[^\x00-\x7f]", code)
        found.append(Fact("code", re.sub(r"\D", "", code) + ("|" + letters if latin else ""), code))
        take(m)
    for m in _YEAR_RANGE.finditer(text):
        if free(m):
            first, last = m.group(1), m.group(1)[:2] + m.group(2)  # 1348-50 = 1348 to 1350
            found += [Fact("date", f"{int(first)}--", m.group(1)), Fact("date", f"{int(last)}--", m.group())]
            take(m)
    for pattern in _DATES:
        for m in pattern.finditer(text):
            if not free(m):
                continue
            g = m.groupdict()
            month = MONTHS.get(g["m"].lower()) if g.get("m") else (int(g["mn"]) if g.get("mn") else None)
            if month is not None and not 1 <= month <= 12:
                continue
            day = int(g["d"]) if g.get("d") else None
            found.append(Fact("date", f"{int(g['y'])}-{month or ''}-{day or ''}", m.group()))
            take(m)
    for m in _NUMBER.finditer(text):
        if not free(m):
            continue
        after, before = text[m.end() : m.end() + 20], text[max(0, m.start() - 5) : m.start()]
        kind = (
            "amount"
            if _PERCENT.match(after) or _SCALE.match(after) or _CURRENCY_BEFORE.search(before)
            else "number"
        )
        unit = "%" if _PERCENT.match(after) else ""
        found.append(Fact(kind, _value(m.group()) + unit, m.group()))
        take(m)
    return found


def _fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.casefold()) if not unicodedata.combining(c))


def _acronyms(text: str) -> dict[str, str]:
    """Acronyms (UNDP, NFL, KOICA): the one kind of name every translation writes the same way.
    Roman numerals (XLIX) are numbers. Folded -> as written."""
    return {w.casefold(): w for w in _ACRONYM.findall(text) if not _ROMAN.fullmatch(w)}


@dataclass(frozen=True)
class Finding:
    """A difference between the versions of one group: kind and, per document, what it says there."""

    kind: str
    values: dict[str, str]
    about: str = ""  # what the versions differ on, when it has a code (a country: "CN")


def compare_facts(units: dict[str, str]) -> list[Finding]:
    """Differences of dates, amounts, numbers and codes between versions of one passage.

    ``units`` maps doc_id to the text of its version (its sentences of the group, joined). A
    version differs when it states a value no other version states *and* lacks one that at least
    half of the others state: a swap ("14 Projekte" where the others say 12). A value merely
    missing from a version is no difference, since translations write small numbers out ("three")
    and drop or add precision ("1991" for "April 1991"); a value merely added is none either.
    """
    per_doc = {d: facts(t) for d, t in units.items()}
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
    points = {d: places.directions(t, languages.get(d, "")) for d, t in units.items()}
    for point in ("N", "E"):
        opposite = places.OPPOSITE[point]
        keys = {d: {m.key for m in ms} for d, ms in points.items()}
        one = [d for d, k in keys.items() if point in k and opposite not in k]
        other = [d for d, k in keys.items() if opposite in k and point not in k]
        if one and other:
            out.append(Finding("meaning", {d: places.span_of(units[d], points[d]) for d in one + other}))
    return out


def compare_units(units: dict[str, str], languages: dict[str, str] | None = None) -> list[Finding]:
    found = compare_facts(units)
    name = compare_names(units)
    return found + ([name] if name else []) + compare_places(units, languages or {})


# "The translations differ: the German one says X; the Indonesian, Greek and Hindi ones say Y."
# Per answer language: the opening, how one version and several are named, and "does not say it".
NOTE_TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "open": "The translations differ",
        "one": "the {langs} one says {value}",
        "many": "the {langs} ones say {value}",
        "none": "the {langs} one does not have this sentence",
        "nones": "the {langs} ones do not have this sentence",
        "unnamed": "the {langs} one does not name {place}",
        "unnameds": "the {langs} ones do not name {place}",
        "and": "and",
    },
    "de": {
        "open": "Die Übersetzungen weichen ab",
        "one": "die {langs} sagt {value}",
        "many": "die {langs} sagen {value}",
        "none": "der {langs} fehlt dieser Satz",
        "nones": "den {langs} fehlt dieser Satz",
        "unnamed": "die {langs} nennt {place} nicht",
        "unnameds": "die {langs} nennen {place} nicht",
        "and": "und",
    },
    "id": {
        "open": "Terjemahannya berbeda",
        "one": "versi {langs} menyebut {value}",
        "many": "versi {langs} menyebut {value}",
        "none": "versi {langs} tidak memuat kalimat ini",
        "nones": "versi {langs} tidak memuat kalimat ini",
        "unnamed": "versi {langs} tidak menyebut {place}",
        "unnameds": "versi {langs} tidak menyebut {place}",
        "and": "dan",
    },
    "el": {
        "open": "Οι μεταφράσεις διαφέρουν",
        "one": "η {langs} λέει {value}",
        "many": "οι {langs} λένε {value}",
        "none": "η {langs} δεν έχει αυτή την πρόταση",
        "nones": "οι {langs} δεν έχουν αυτή την πρόταση",
        "unnamed": "η {langs} δεν αναφέρει {place}",
        "unnameds": "οι {langs} δεν αναφέρουν {place}",
        "and": "και",
    },
    "hi": {
        "open": "अनुवादों में अंतर है",
        "one": "{langs} अनुवाद में {value} है",
        "many": "{langs} अनुवादों में {value} है",
        "none": "{langs} अनुवाद में यह वाक्य नहीं है",
        "nones": "{langs} अनुवादों में यह वाक्य नहीं है",
        "unnamed": "{langs} अनुवाद में {place} का उल्लेख नहीं है",
        "unnameds": "{langs} अनुवादों में {place} का उल्लेख नहीं है",
        "and": "और",
    },
    "vi": {
        "open": "Các bản dịch khác nhau",
        "one": "bản {langs} ghi {value}",
        "many": "các bản {langs} ghi {value}",
        "none": "bản {langs} không có câu này",
        "nones": "các bản {langs} không có câu này",
        "unnamed": "bản {langs} không nhắc đến {place}",
        "unnameds": "các bản {langs} không nhắc đến {place}",
        "and": "và",
    },
}
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {code: PROMPT_LANGUAGE_NAMES[code] for code in ("en", "de", "id", "el", "hi", "vi")},
    "de": {
        "en": "englische",
        "de": "deutsche",
        "id": "indonesische",
        "el": "griechische",
        "hi": "Hindi-",
        "vi": "vietnamesische",
    },
    "id": {
        "en": "Inggris",
        "de": "Jerman",
        "id": "Indonesia",
        "el": "Yunani",
        "hi": "Hindi",
        "vi": "Vietnam",
    },
    "el": {
        "en": "αγγλική",
        "de": "γερμανική",
        "id": "ινδονησιακή",
        "el": "ελληνική",
        "hi": "χίντι",
        "vi": "βιετναμέζικη",
    },
    "hi": {"en": "अंग्रेज़ी", "de": "जर्मन", "id": "इंडोनेशियाई", "el": "यूनानी", "hi": "हिंदी", "vi": "वियतनामी"},
    "vi": {
        "en": "tiếng Anh",
        "de": "tiếng Đức",
        "id": "tiếng Indonesia",
        "el": "tiếng Hy Lạp",
        "hi": "tiếng Hindi",
        "vi": "tiếng Việt",
    },
}


def _join(words: list[str], conj: str) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conj} {words[-1]}"


def note(
    kind: str, values: dict[str, str], languages: dict[str, str], answer_language: str, about: str = ""
) -> str:
    """One line in the answer's language: which versions say what (versions saying the same, together).

    ``about``: the country a "meaning" finding is about; the versions with nothing to quote "do not
    name" it (in the answer's language, from CLDR)."""
    lang = answer_language if answer_language in NOTE_TEMPLATES else "en"
    t, names = NOTE_TEMPLATES[lang], LANGUAGE_NAMES[lang]
    said: dict[str, list[str]] = {}
    for doc_id, value in values.items():
        said.setdefault(_fold(" ".join(value.split())), []).append(doc_id)
    parts = []
    for key, docs in sorted(said.items(), key=lambda kv: (kv[0] == "", -len(kv[1]))):
        langs = _join(
            list(dict.fromkeys(names.get(languages.get(d, ""), languages.get(d, d)) for d in docs)), t["and"]
        )
        if key and kind == "missing":
            continue  # the versions that have it need no quoting: the citations show them
        if key:
            value = f"“{values[docs[0]].strip()}”"
            parts.append(t["one" if len(docs) == 1 else "many"].format(langs=langs, value=value))
        elif about:
            place = places.country_name(about, lang)
            parts.append(t["unnamed" if len(docs) == 1 else "unnameds"].format(langs=langs, place=place))
        else:
            parts.append(t["none" if len(docs) == 1 else "nones"].format(langs=langs))
    return f"{t['open']}: {'; '.join(parts)}."


# stored with the findings: a sidecar written by another version of the comparisons is compared again
FINDINGS_VERSION = 5


def find_differences(alignment: Any) -> dict[str, list[dict[str, Any]]]:
    """Findings per sentence group of an alignment (align.Alignment), as stored in its sidecar."""
    out: dict[str, list[dict[str, Any]]] = {}
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
            out[gid] = [as_record(f) for f in found]
    return _without_conventions(out)


def _without_conventions(found: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Drop name swaps that recur: a translation that writes "AEUV" wherever the others write "TFEU"
    follows its language's convention; a name changed once is the difference worth telling."""
    seen = Counter(_signature(f) for fs in found.values() for f in fs if f["kind"] == "name")
    out = {}
    for gid, fs in found.items():
        kept = [f for f in fs if f["kind"] != "name" or seen[_signature(f)] < 2]
        if kept:
            out[gid] = kept
    return out


def _signature(f: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((d, _fold(v)) for d, v in f["values"].items()))


def as_record(f: Finding) -> dict[str, Any]:
    return {"kind": f.kind, "values": f.values, **({"about": f.about} if f.about else {})}


_JSON_LINE = re.compile(r"\{[^{}]*\}")


def llm_meaning(units: dict[str, str], settings: Any) -> list[Finding]:
    """Meaning-level differences found by the chat model, kept only where both quotes are verbatim.

    Raises llm.LLMError when the model cannot be reached.
    """
    labels = {chr(ord("A") + n): d for n, d in enumerate(sorted(units))}
    versions = "\n".join(f"{label}: {' '.join(units[d].split())}" for label, d in labels.items())
    reply = llm.chat(
        [
            {"role": "system", "content": COMPARE_SYSTEM},
            {"role": "user", "content": COMPARE_USER.format(versions=versions)},
        ],
        settings,
    )
    merged: dict[str, dict[str, str]] = {}  # one finding per quoted span of the odd version out
    for raw in _JSON_LINE.findall(reply):
        try:
            item = json.loads(raw)
            a, b = labels[str(item["a"]).strip()], labels[str(item["b"]).strip()]
            a_text, b_text = str(item["a_text"]).strip(), str(item["b_text"]).strip()
        except (ValueError, KeyError, TypeError):
            continue
        # a difference is real only if both sides are quoted as they stand, and are not the same words
        if a == b or len(a_text) < 2 or len(b_text) < 2 or _fold(a_text) == _fold(b_text):
            continue
        if a_text not in units[a] or b_text not in units[b]:
            logger.info(
                "dropped a claimed difference that does not quote both versions: %r / %r", a_text, b_text
            )
            continue
        values = merged.setdefault(f"{a}\x00{a_text}", {a: a_text})
        values.setdefault(b, b_text)
    return [Finding("meaning", v) for v in merged.values()]


def llm_findings(alignment: Any, settings: Any) -> dict[str, list[dict[str, Any]]]:
    """Meaning-level findings per group from the chat model, cached by the groups' text."""
    cache: dict[str, list[dict[str, Any]]] = alignment.extra.setdefault("llm_cache", {})
    out: dict[str, list[dict[str, Any]]] = {}
    for gid in alignment.groups:
        units = {d: u for d, u in group_units(alignment, gid).items() if u}
        if len(units) < 2:
            continue
        key = hashlib.sha256(json_key(units, settings.llm_model).encode()).hexdigest()[:16]
        if key not in cache:
            try:
                cache[key] = [{"kind": f.kind, "values": f.values} for f in llm_meaning(units, settings)]
            except llm.LLMError as exc:
                logger.warning(
                    "chat model could not compare translations (%s): meaning is not checked", exc.cause
                )
                return out
        if cache[key]:
            out[gid] = cache[key]
    return out


def json_key(units: dict[str, str], model: str | None) -> str:
    return json.dumps([model, sorted(units.items())], ensure_ascii=False)
