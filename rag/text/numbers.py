"""The one number reader: the numbers a text states, and their values whatever the convention.

"523.292", "523,292" and "523 292" are one number (thousands groups); "1,5" and "1.5" are one
number, and not 15. A separator followed by exactly three digits, after at most three, groups
thousands ("1.500" = "1,500" = 1500); otherwise it is the decimal mark; with both marks, the last
is the decimal one ("1.234,5" = "1,234.5"). A number reads the same wherever it is written, so two
versions of a fact compare by value: the translation comparison (translations/facts.py) and the
check of a model's sentences against the passages (llm/verify.py) both read numbers here.

Two ways to find them, by what may stand next to one:
- ``standalone=True``: a number on its own, not inside a word or a code ("A380", "12km" and
  "1.2.3" hold none), its thousands groups all separated alike;
- ``standalone=False``: any run of digits with its groups, wherever it stands ("A380" holds 380).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_STANDALONE = re.compile(
    r"(?<![\w.,])\d{1,3}(?:([.,\u00a0 ])\d{3})(?:\1\d{3})*(?:[.,]\d+)?(?![\w])"
    r"|(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])"
)
_ANYWHERE = re.compile(r"(?<!\d)\d{1,3}(?:[., ]\d{3})+(?:[.,]\d+)?(?!\d)|(?<!\d)\d+(?:[.,]\d+)?(?!\d)")


@dataclass(frozen=True)
class Number:
    surface: str  # as written
    value: str  # normalised decimal: "1.5", "523292"
    start: int
    end: int


def value(token: str) -> str:
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


def read_numbers(text: str, standalone: bool = True) -> list[Number]:
    """The numbers of ``text`` in order (see the module's docstring for ``standalone``)."""
    pattern = _STANDALONE if standalone else _ANYWHERE
    return [Number(m.group(), value(m.group()), m.start(), m.end()) for m in pattern.finditer(text)]


def values(text: str, standalone: bool = True) -> set[str]:
    """The values of the numbers of ``text``."""
    return {n.value for n in read_numbers(text, standalone)}
