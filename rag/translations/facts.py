"""The facts a version of a sentence states, read into keys that compare across languages.

A date in any of the languages is (year, month, day), with the parts it does not give left empty;
an amount or a number is its value whatever the decimal convention (rag/text/numbers.py); a code is
its digits, and its letters where it is written in Latin script ("334-KH/TU" -> "334|KHTU").

Month names come from CLDR (rag/text/calendar.py): those of ``DATE_LANGUAGES`` in every text, and
those of the languages a caller names for the text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rag.text.calendar import month_numbers
from rag.text.numbers import read_numbers

# the languages whose month names are read in any text, whatever its language
DATE_LANGUAGES = ("en", "de", "id", "el", "hi", "fr", "es")

# 1348-50, 1620–21: a range of years written short
_YEAR_RANGE = re.compile(r"(?<![\d.,/-])((?:1\d|20)\d\d)\s?[-–]\s?(\d\d)(?![\d.,/-]?\d)")
# 334-KH/TU, 19/DA-UBND, 59-NQ/TW, 334-केएच/टीयू: digits and letters joined by - or /
_CODE = re.compile(r"(?<![\w/-])(?=[\w/-]*\d)(?=[\w/-]*[^\W\d_])[\w]+(?:[-/][\w]+)+(?![\w/-])")
_PERCENT = re.compile(r"^\s*(%|prozent|persen|τοις εκατό|प्रतिशत|phần trăm|percent|per cent)", re.IGNORECASE)
_SCALE = re.compile(
    r"^\s*(mio|millionen?|million|juta|εκατομμύρια|मिलियन|triệu|mrd|milliarden?|billion|miliar|δισ|"
    r"अरब|tỷ|usd|vnd|eur|euro|dollar|đồng|dong|rupiah)\b",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"(\$|€|usd|vnd|eur|rp\.?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Fact:
    kind: str  # "date", "number", "amount", "code"
    key: str
    surface: str


@functools.cache
def _dates(languages: frozenset[str]) -> tuple[dict[str, int], tuple[re.Pattern[str], ...]]:
    """Month name -> number, and the date patterns, most specific first, for ``languages``."""
    months = month_numbers([*DATE_LANGUAGES, *sorted(languages - set(DATE_LANGUAGES))])
    month = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    patterns = (
        # 6. März 2025 / 6 Maret 2025 / 6 Μαρτίου 2025 / 6 मार्च, 2025 / 6 March 2025
        re.compile(
            rf"(?<!\d)(?P<d>\d{{1,2}})\.?\s+(?P<m>{month})\s*,?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE
        ),
        # March 6, 2025
        re.compile(rf"(?P<m>{month})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
        # ngày 6 tháng 3 năm 2025
        re.compile(
            r"(?:ngày\s+)?(?P<d>\d{1,2})\s+tháng\s+(?P<mn>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.IGNORECASE
        ),
        # 06/03/2025, 6.3.2025 (day first: the convention of every language here but English)
        re.compile(r"(?<![\d/.])(?P<d>\d{1,2})[./](?P<mn>\d{1,2})[./](?P<y>\d{4})(?![\d/])"),
        # März 2025 / tháng 3 năm 2025
        re.compile(rf"(?P<m>{month})\s*,?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE),
        re.compile(r"tháng\s+(?P<mn>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.IGNORECASE),
        # a year alone
        re.compile(r"(?<![\d.,/-])(?P<y>(?:19|20)\d{2})(?![\d.,/]\d)"),
    )
    return months, patterns


def facts(text: str, languages: Iterable[str] = ()) -> list[Fact]:
    """The dates, codes, amounts and numbers stated in ``text`` (month names also of ``languages``)."""
    text = unicodedata.normalize("NFC", text)
    months, dates = _dates(frozenset(languages))
    taken = [False] * len(text)
    found: list[Fact] = []

    def free(start: int, end: int) -> bool:
        return not any(taken[start:end])

    def take(start: int, end: int) -> None:
        taken[start:end] = [True] * (end - start)

    for m in _CODE.finditer(text):
        code = m.group()
        if "/" not in code and not re.search(r"[A-Z]", code):
            continue  # "24-yard", "5-fachen", "mid-1930s": words, not a document's code
        letters = re.sub(r"[^A-Za-z]", "", code).upper()
        latin = bool(letters) and not re.search(r"[^\x00-\x7f]", code)
        found.append(Fact("code", re.sub(r"\D", "", code) + ("|" + letters if latin else ""), code))
        take(m.start(), m.end())
    for m in _YEAR_RANGE.finditer(text):
        if free(m.start(), m.end()):
            first, last = m.group(1), m.group(1)[:2] + m.group(2)  # 1348-50 = 1348 to 1350
            found += [Fact("date", f"{int(first)}--", m.group(1)), Fact("date", f"{int(last)}--", m.group())]
            take(m.start(), m.end())
    for pattern in dates:
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            g = m.groupdict()
            month = months.get(g["m"].lower()) if g.get("m") else (int(g["mn"]) if g.get("mn") else None)
            if month is not None and not 1 <= month <= 12:
                continue
            day = int(g["d"]) if g.get("d") else None
            found.append(Fact("date", f"{int(g['y'])}-{month or ''}-{day or ''}", m.group()))
            take(m.start(), m.end())
    for n in read_numbers(text):
        if not free(n.start, n.end):
            continue
        after, before = text[n.end : n.end + 20], text[max(0, n.start - 5) : n.start]
        kind = (
            "amount"
            if _PERCENT.match(after) or _SCALE.match(after) or _CURRENCY_BEFORE.search(before)
            else "number"
        )
        unit = "%" if _PERCENT.match(after) else ""
        found.append(Fact(kind, n.value + unit, n.surface))
        take(n.start, n.end)
    return found
