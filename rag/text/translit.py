"""Latin spellings of Greek and Devanagari words, to find a name across scripts ("Ανόι" = "Hanoi").

Rough on purpose: names are compared after folding and with some slack, so "हनोई" -> "hanoi" and
"Πετρούπολη" -> "petroupoli" only need to come close to how a Latin-script text writes them.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Set as AbstractSet

from rag.text.normalise import fold

# (diphthongs such as "οι" are left letter by letter: folding drops the accent that tells "Ανόι",
# a-no-i, from one)
_GREEK_PAIRS = {"ου": "ou", "μπ": "b", "ντ": "d", "γκ": "g", "θ": "th", "χ": "ch", "ψ": "ps"}
_GREEK = dict(zip("αβγδεζηικλμνξοπρσςτυφω", "avgdeziiklmnxoprsstyfo", strict=True))

_DEVANAGARI_VOWELS = {
    "अ": "a",
    "आ": "a",
    "इ": "i",
    "ई": "i",
    "उ": "u",
    "ऊ": "u",
    "ए": "e",
    "ऐ": "ai",
    "ओ": "o",
    "औ": "au",
    "ऋ": "ri",
}
_DEVANAGARI_SIGNS = {
    "ा": "a",
    "ि": "i",
    "ी": "i",
    "ु": "u",
    "ू": "u",
    "े": "e",
    "ै": "ai",
    "ो": "o",
    "ौ": "au",
    "ृ": "ri",
}
_DEVANAGARI_CONSONANTS = dict(
    zip(
        "कखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसह",
        [
            "k",
            "kh",
            "g",
            "gh",
            "n",
            "ch",
            "chh",
            "j",
            "jh",
            "n",
            "t",
            "th",
            "d",
            "dh",
            "n",
            "t",
            "th",
            "d",
            "dh",
            "n",
            "p",
            "ph",
            "b",
            "bh",
            "m",
            "y",
            "r",
            "l",
            "v",
            "sh",
            "sh",
            "s",
            "h",
        ],
        strict=True,
    )
)


def _greek(word: str) -> str:
    w = fold(word)
    for a, b in _GREEK_PAIRS.items():
        w = w.replace(a, b)
    return "".join(_GREEK.get(ch, ch) for ch in w)


def _devanagari(word: str) -> str:
    out: list[str] = []
    inherent = False  # the last consonant still carries its "a"
    for ch in unicodedata.normalize("NFC", word):
        if ch in _DEVANAGARI_CONSONANTS:
            out.append(_DEVANAGARI_CONSONANTS[ch] + "a")
            inherent = True
        elif ch in _DEVANAGARI_SIGNS and inherent:
            out[-1] = out[-1][:-1] + _DEVANAGARI_SIGNS[ch]
            inherent = False
        elif ch == "्" and inherent:  # virama: no vowel
            out[-1] = out[-1][:-1]
            inherent = False
        elif ch in _DEVANAGARI_VOWELS:
            out.append(_DEVANAGARI_VOWELS[ch])
            inherent = False
        elif ch in "ंँ":
            out.append("n")
        elif ch.isalnum() and not unicodedata.combining(ch):
            out.append(ch)
    text = "".join(out)
    return text[:-1] if inherent and text.endswith("a") else text  # Hindi drops the final "a"


def to_latin(word: str) -> str:
    """A folded Latin spelling of a Greek or Devanagari word (other words: just folded)."""
    if any("\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff" for ch in word):
        return _greek(word)
    if any("\u0900" <= ch <= "\u097f" for ch in word):
        return _devanagari(word)
    return fold(word)


def close_in(word: str, tokens: AbstractSet[str], ratio: float = 0.75) -> bool:
    """Whether a Latin spelling ``word`` stands in or near one of ``tokens`` (folded Latin words)."""
    if len(word) < 3:
        return False
    return any(word in t or difflib.SequenceMatcher(None, word, t).ratio() >= ratio for t in tokens)
