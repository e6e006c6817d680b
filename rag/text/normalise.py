"""The one text normaliser: folded forms for comparing words, and control characters stripped.

``fold`` is what every comparison of words across spellings goes through (grounding's search text,
function words, the comparison of translations, country names). It casefolds and decomposes, then
drops marks according to ``marks``:

- ``"all"`` (default): every combining mark goes ("Hà Nội" -> "ha noi", "Politbüros" ->
  "politburos"). Devanagari viramas and nuktas go too, so "क्या" folds to "कया": good enough to
  find a word in a text folded the same way, and what grounding's search text has always used.
- ``"accents"``: only the accents of Latin, Greek and Cyrillic letters go (the Combining
  Diacritical Marks block, U+0300-U+036F); the signs of other scripts stay, and the result is
  recomposed (NFC). Devanagari vowel signs and viramas tell words apart ("किस", "कैसे"), so the
  function words and the place names are compared this way.
- ``"keep"``: casefolded only. Vietnamese tells words apart by their marks alone ("Ấn Độ", India;
  "lần đoạt", times won).

``compatibility=False`` decomposes canonically only (NFD instead of NFKD): "½", "…" and the Greek
numeral sign "΄" stay as they are instead of becoming "1⁄2", "..." and a space with an accent. On the
seeds and XQuAD the two differ on 9 of 29,492 words, all of these; the notes of the translation
comparison group the versions' quotes that way, as they always have.

``fold_map`` gives the same folded text with, per folded character, its index in the original, so
that a match in the folded text gives back the words as they stand (places.py). It folds character
by character; the text comes out as ``fold``'s except where a run of combining marks spans two
characters in an order NFKD would reorder (never on the seeds or XQuAD).

``strip_control`` removes terminal escape sequences whole (ANSI CSI such as ``"\\x1b[31m"``, OSC such
as a window title, two-character escapes) and every other control character but newline and tab;
``clean_question_text`` also trims the result: a question pasted from a terminal keeps no "[31m",
which the grounding rules would read as the number 31 that a passage must state.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Literal

Marks = Literal["all", "accents", "keep"]

# the Combining Diacritical Marks block: accents of Latin, Greek and Cyrillic letters
_ACCENT_FIRST, _ACCENT_LAST = "\u0300", "\u036f"


def _is_accent(c: str) -> bool:
    return _ACCENT_FIRST <= c <= _ACCENT_LAST


def fold(text: str, marks: Marks = "all", compatibility: bool = True) -> str:
    """Casefolded, decomposed ``text`` with ``marks`` dropped (see the module's docstring)."""
    lowered = text.casefold()
    if marks == "keep":
        return lowered
    decomposed = unicodedata.normalize("NFKD" if compatibility else "NFD", lowered)
    if marks == "accents":
        return unicodedata.normalize("NFC", "".join(c for c in decomposed if not _is_accent(c)))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=65536)
def _fold_char(ch: str, marks: Marks, compatibility: bool) -> str:
    return fold(ch, marks, compatibility)


def fold_map(text: str, marks: Marks = "all", compatibility: bool = True) -> tuple[str, list[int]]:
    """``fold(text, marks, compatibility)`` and, per folded character, its index in ``text``."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch, marks, compatibility)
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


# ESC [ parameters intermediates final (CSI); ESC ] ... BEL or ESC \ (OSC); ESC P/X/^/_ ... ESC \
# (DCS, SOS, PM, APC); ESC and one character (the rest of the escapes); the 8-bit CSI and OSC
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)


def strip_control(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (newline and tab stay)."""
    text = _ESCAPE.sub("", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def clean_question_text(text: str) -> str:
    """A question as typed or pasted: escape sequences and control characters gone, trimmed."""
    return strip_control(text).strip()
