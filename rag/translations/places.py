"""Countries and compass directions named in a sentence, in the language it is written in.

Used to compare the versions of one aligned sentence group: a translation that puts "Nordchinas"
where the others say "the North region" names a country the others do not name. Country names come
from the Unicode CLDR (through Babel), in every language it covers, so nothing here is a list of our
own; the compass words are a small table (compass.py).

Two tests, on purpose of different strength: a version *names* a country only by its CLDR name in
its own language (or in English, which Latin-script texts often keep), written with a capital in
Latin script; a version *mentions* it also by the name of the country's official language ("russische
Föderation" for Russia) or by any Latin-script name. A difference is reported only when one side names
a country and the other does not even mention it, so a demonym or an adjective never raises a flag.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from rag.text import cldr
from rag.text.normalise import fold_map

# CLDR territory codes that are not countries (European Union, eurozone, United Nations, ...)
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
# Latin-script names this short are everyday words somewhere ("Anh", "Nga", "Mỹ", "Ý" in Vietnamese)
MIN_LATIN_NAME = 4
# a letter of a word, Devanagari vowel signs and combining accents included (re's \w leaves them out)
WORD_CHAR = r"[\w\u0300-\u036f\u0900-\u097f]"
_W = WORD_CHAR
# what a name's inflected forms may add: when it merely mentions a country (adjectives included:
# "Ρωσικής", "चीनी"), and when it names it ("Chinas", "Κίνας", "Russlands"; not "चीनी", Chinese or
# sugar, nor the Greek verb "αιτήθηκε" for Haiti, "Αϊτή")
_ENDING = _W + "{0,4}"
_NAME_ENDING = r"[^\W\d_]{0,2}"


@dataclass(frozen=True)
class Mention:
    key: str  # an ISO country code, or a compass point N/S/E/W
    start: int
    end: int


def _fold(text: str, keep_marks: bool) -> tuple[str, list[int]]:
    """Casefolded text (Latin and Greek accents dropped unless ``keep_marks``; Devanagari signs kept)
    and, per folded character, its index in ``text`` (rag/text/normalise.py)."""
    return fold_map(text, "keep" if keep_marks else "accents")


def _letters(word: str) -> int:
    # letters, not code points: "न्यू" (nyu) is two letters and two signs
    return sum(unicodedata.category(c).startswith("L") for c in word)


def _is_latin(name: str) -> bool:
    return all(c < "\u0250" for c in name if c.isalpha())


# languages that write a place into a compound word ("Nordchina", "Südostasien")
_COMPOUNDING = {"de", "nl", "sv", "da", "nb", "no", "is", "fi"}


def _keeps_marks(language: str) -> bool:
    # Vietnamese tells words apart by their marks alone ("Ấn Độ", India; "lần đoạt", times won)
    return language == "vi"


def _territories(language: str) -> dict[str, str]:
    """CLDR code -> name of every territory in ``language`` ({} when CLDR does not know it)."""
    locale = cldr.locale(language)
    return {} if locale is None else {code: str(name) for code, name in locale.territories.items()}


@functools.cache
def _locale_names(language: str, keep_marks: bool = False) -> dict[str, str]:
    """Folded CLDR country name -> ISO code, in ``language`` ({} when CLDR does not know it)."""
    return {
        _fold(name, keep_marks)[0]: code
        for code, name in _territories(language).items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


@functools.cache
def _language_adjectives(language: str) -> dict[str, set[str]]:
    """Folded name of a country's first official language, in ``language`` -> the countries whose
    language it is ("russisch" -> RU, BY, KZ, ...; "greek" -> GR, CY)."""
    from babel.languages import get_official_languages

    locale = cldr.locale(language)
    if locale is None:
        return {}
    names = locale.languages
    out: dict[str, set[str]] = {}
    for code in set(_locale_names("en").values()):
        for official in get_official_languages(code, de_facto=True)[:1]:
            if official in names:
                out.setdefault(_fold(names[official], False)[0], set()).add(code)
    return out


def _pattern(names: list[str], stem: bool, compound: bool = False, ending: str = _ENDING) -> re.Pattern[str]:
    """Any of ``names`` at the start of a word (or, in a compounding language, at the end of a
    compound: "Nordchinas"), with an ending; ``stem`` drops a long name's last letter first
    ("Ρωσικά" -> "Ρωσική")."""
    alts = []
    for n in sorted(names, key=len, reverse=True):
        body = n[:-1] if stem and len(n) >= 5 else n
        prefix = _W + "*" if compound and len(n) >= 5 and " " not in n else ""
        alts.append(prefix + re.escape(body))
    return re.compile(rf"(?<!{_W})(?:{'|'.join(alts)}){ending}(?!{_W})")


@functools.cache
def _country_patterns(language: str) -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, folded name, code) for each name that *names* a country in a text in ``language``:
    its CLDR names, and the English ones for a Latin-script language; longest names first, so that
    "Nigeria" is not read as "Niger"."""
    keep = _keeps_marks(language)
    names = dict(_locale_names(language, keep))
    if not names or all(_is_latin(n) for n in names):
        for n, code in _locale_names("en", keep).items():
            names.setdefault(n, code)
    compound = language in _COMPOUNDING
    return tuple(
        (_pattern([n], stem=False, compound=compound, ending=_NAME_ENDING), n, c)
        for n, c in sorted(names.items(), key=lambda nc: -len(nc[0]))
    )


def countries(text: str, language: str) -> list[Mention]:
    """The countries ``text`` names by their own name (not by an adjective)."""
    folded, where = _fold(text, _keeps_marks(language))
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for pattern, name, code in _country_patterns(language):
        for m in pattern.finditer(folded):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            start, end = where[m.start()], where[m.end() - 1] + 1
            word = text[start:end]
            cased = word[:1].lower() != word[:1].upper()  # Latin, Greek, Cyrillic: names are capitalised
            if (cased and not word[:1].isupper()) or (_is_latin(word) and len(name) < MIN_LATIN_NAME):
                continue
            taken.append((m.start(), m.end()))
            found.append(Mention(code, start, end))
    return sorted(found, key=lambda m: m.start)


def mentions(text: str, language: str) -> list[Mention]:
    """Every country ``text`` says anything of: a name in any CLDR language of the list below, a
    word that only one or two country names share ("Korea"), or its official language's name as an
    adjective ("russische", "Ρωσική"). One place may stand for two countries ("Korea")."""
    folded, where = _fold(text, False)
    found = []
    for pattern, codes in _mention_patterns(language):
        for m in pattern.finditer(folded):
            found += [Mention(code, where[m.start()], where[m.end() - 1] + 1) for code in codes]
    return sorted(found, key=lambda m: m.start)


@functools.cache
def _mention_patterns(language: str) -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    names: dict[str, set[str]] = {}
    for n, code in _all_names().items():
        names.setdefault(n, set()).add(code)
    for table in (_language_adjectives(language), _language_adjectives("en"), _distinctive_words()):
        for n, codes in table.items():
            names.setdefault(n, set()).update(codes)
    by_codes: dict[tuple[str, ...], list[str]] = {}
    for n, codes in names.items():
        by_codes.setdefault(tuple(sorted(codes)), []).append(n)
    compound = language in _COMPOUNDING
    return tuple((_pattern(ns, stem=True, compound=compound), codes) for codes, ns in by_codes.items())


@functools.cache
def _distinctive_words() -> dict[str, set[str]]:
    """Words of several-word country names that at most two countries share ("korea" of "South
    Korea" and "North Korea"), and no region's name: not "selatan", "βόρεια" or "republic"."""
    words: dict[str, set[str]] = {}
    for language in _MENTION_LANGUAGES:
        for n, code in _territory_names(language).items():
            for w in re.split(r"[^\w\u0900-\u097f]+", n):
                if _letters(w) >= 4 and w != n:
                    words.setdefault(w, set()).add(code)
    return {w: codes for w, codes in words.items() if len(codes) <= 2 and all(c.isalpha() for c in codes)}


@functools.cache
def _territory_names(language: str) -> dict[str, str]:
    """Folded CLDR name -> code of every territory, regions ("Northern Europe": "154") included."""
    return {
        _fold(name, False)[0]: code
        for code, name in _territories(language).items()
        if code not in _NOT_COUNTRIES
    }


# CLDR languages whose names are looked for when a text merely mentions a country
_MENTION_LANGUAGES = ("en", "de", "fr", "es", "id", "ms", "vi", "el", "hi", "ru", "pt", "it", "nl")


@functools.cache
def _all_names() -> dict[str, str]:
    out: dict[str, str] = {}
    for language in _MENTION_LANGUAGES:
        for n, code in _locale_names(language).items():
            if len(n) >= 3:
                out.setdefault(n, code)
    return out


# languages that say "French", "Hindu" or "American" with the country's name ("người Pháp", "Ấn Độ
# giáo", "orang Amerika"): there a country's name is no sign that the country itself is meant
_NAME_AS_ADJECTIVE = {"vi", "id", "ms", "th", "zh", "ja", "ko", "km", "lo", "my", "tl"}


def names_are_specific(language: str) -> bool:
    """Whether naming a country in ``language`` means the country, not something of it."""
    return language not in _NAME_AS_ADJECTIVE


def looks_named(text: str, mention: Mention) -> bool:
    """Whether a mention is written as a name of its own: capitalised, in a script with capitals
    ("Korea", not "kota", the Indonesian word for the city that names the Vatican), and not a word of
    a longer name ("Diego" of "San Diego" is not Diego Garcia)."""
    first = text[mention.start : mention.start + 1]
    if first.lower() == first.upper():
        return True  # no capitals in this script (Devanagari): nothing to tell by
    before = text[: mention.start].split()[-1:]
    after = text[mention.end :].split()[:1]
    joined = [w for w in before + after if w[:1].isupper() and w[:1].isalpha()]
    return first.isupper() and not joined


def is_country_name(word: str, language: str) -> bool:
    """Whether ``word`` starts with a one-word CLDR country name in ``language`` ("Südafrika")."""
    folded = _fold(word, False)[0]
    return any(folded.startswith(n) for n in _locale_names(language) if " " not in n)


def span_of(text: str, mentions: list[Mention]) -> str:
    """The words from the first mention to the last, as they stand ("Nordchinas und ganz Chinas")."""
    if not mentions:
        return ""
    return text[min(m.start for m in mentions) : max(m.end for m in mentions)]


def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` (CLDR), or in English, or its code."""
    for lang in (language, "en"):
        name = _territories(lang).get(code)
        if name:
            return name
    return code
