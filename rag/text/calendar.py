"""Month and day names in any language, from the Unicode CLDR (through Babel): no tables of our own.

The wide names of both CLDR contexts are taken: the format one ("6 Μαρτίου", genitive) and the
stand-alone one ("Μάρτιος"). Names written with digits ("tháng 3", "3月") are left out: dates that
spell the month as a number are read by their own patterns (translations/facts.py). Abbreviations
("Mär", "Jan.") are left out too, as the hand tables these names replaced left them out.

A few spellings that CLDR does not give for the language itself are added: the Austrian "Jänner"
(CLDR has it under de_AT only), the Hindi spellings without the nukta or with a half "m" for the
anusvara ("फरवरी", "सितम्बर"), and the Indonesian "Agust".

Babel reads its data from disk on first use, so nothing here runs at import.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

from rag.text import cldr

_VARIANTS: dict[str, dict[str, int]] = {
    "de": {"jänner": 1},
    "hi": {"फरवरी": 2, "सितम्बर": 9, "नवम्बर": 11, "दिसम्बर": 12},
    "id": {"agust": 8},
}


def _usable(name: str) -> bool:
    return any(c.isalpha() for c in name) and not any(c.isdigit() for c in name)


def _wide(language: str, what: str) -> dict[str, int]:
    """Lower-cased NFC name -> number (months 1-12, days 0-6 from Monday) in ``language``."""
    locale = cldr.locale(language)
    if locale is None:
        return {}
    table = getattr(locale, what)
    out: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for number, name in table[context]["wide"].items():
            if _usable(name):
                out.setdefault(unicodedata.normalize("NFC", name.lower()), int(number))
    return out


@functools.cache
def _months(language: str) -> dict[str, int]:
    return {**_wide(language, "months"), **_VARIANTS.get(language, {})}


def month_numbers(languages: Iterable[str]) -> dict[str, int]:
    """Lower-cased NFC month name -> month number (1-12), in every language of ``languages``."""
    out: dict[str, int] = {}
    for language in dict.fromkeys(languages):
        for name, number in _months(language).items():
            out.setdefault(name, number)
    return out


@functools.cache
def _calendar_words(languages: tuple[str, ...]) -> frozenset[str]:
    words: set[str] = set()
    for language in languages:
        words.update(_months(language))
        words.update(_wide(language, "days"))
    return frozenset(w.casefold() for w in words)


def calendar_words(languages: Iterable[str]) -> frozenset[str]:
    """Casefolded month and day names of ``languages`` (a word that names a date, not a thing)."""
    return _calendar_words(tuple(dict.fromkeys(languages)))
