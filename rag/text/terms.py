"""Names, numbers and codes in a question, and whether a text holds them.

A question is read once (``rag.retrieval.query``) with these helpers; grounding, the extractive answer and
the verifier of model-written sentences use the same ones. Pure text: imports only ``rag.text``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rag.text.calendar import calendar_words
from rag.text.translit import close_in, fold, to_latin

# A token: letters, digits and combining marks (Devanagari vowel signs are marks, not \w), with
# inner apostrophes, dots, slashes, hyphens ("57-NQ/TW", "People's").
_W = r"[^\W_]|[\u0300-\u036f\u0900-\u0dff\u0e00-\u0eff\u1ab0-\u1aff\u1dc0-\u1dff]"
TOKEN = re.compile(rf"(?:{_W})(?:(?:{_W})|['’./-](?=(?:{_W})))*")
# What may stand between two tokens of one name: a space, a hyphen, an ordinal dot ("16. Mai 2025").
_JOIN = re.compile(r"^[\s.-]{1,2}$")
MAX_TERMS = 4


@dataclass(frozen=True)
class Term:
    text: str
    start: int
    end: int


def _caseless(token: str) -> bool:
    """A word of a script without capitals (Devanagari, Arabic, Thai...), where names cannot be seen."""
    letters = [ch for ch in token if ch.isalpha()]
    return bool(letters) and all(ch.lower() == ch.upper() for ch in letters)


def names_visible(text: str) -> bool:
    """Whether names can be told apart in ``text``: most of its words are in a script with capitals."""
    words = [w for w in TOKEN.findall(text) if any(ch.isalpha() for ch in w)]
    return 2 * sum(_caseless(w) for w in words) <= len(words)


# Month and day names are capitalised in some languages but are not names: dates are checked by
# their numbers, and "July" never stands in a German text that says "Juli".
# (CLDR's month and day names, rag/text/calendar.py)
_CALENDAR_LANGUAGES = ("en", "de", "id")


def _is_salient(token: str, first: bool) -> bool:
    if any(ch.isdigit() for ch in token):
        return True
    if token.casefold() in calendar_words(_CALENDAR_LANGUAGES):
        return False
    if _caseless(token):
        # no capitals to find names by. Testing every longer word was tried: on the gold set it refused
        # a close miss ("... with Tokyo?" in Hindi) but also a real question, content words moving the
        # evidence as little as unknown names do. Numbers and codes are still tested.
        return False
    if not token[0].isupper() or len(token) < 2:
        return False
    # the first word of a question is capitalised anyway; an acronym there still counts
    return not first or (len(token) > 1 and token.isupper())


# A quoted title is one term: 'Pendidikan Digital untuk Semua', „Digitale Bildung für alle“.
_QUOTED = re.compile(r"[\"'“„«‘‚]([^\"'“”„«»‘’‚]{3,80})[\"'”“»’‘]")


# Languages that capitalise every noun: there a capital letter alone does not make a name.
NOUN_CAPITALISING = frozenset({"de", "lb"})
# After these a capitalised word may still be a name ("mit Paris", "in Hanoi"); after any other
# lower-case word ("die Verteidigung", "viele Einwohner") it is a noun.
_NAME_PREPOSITIONS = frozenset(
    {
        "mit",
        "von",
        "in",
        "nach",
        "aus",
        "für",
        "bei",
        "gegen",
        "über",
        "zwischen",
        "und",
        "oder",
        "wie",
        "als",
        "an",
        "auf",
        "zu",
        "seit",
        "vor",
        "unter",
    }
)


def _common_noun(tokens: list[re.Match[str]], n: int) -> bool:
    """In a noun-capitalising language: whether token ``n`` is a noun rather than a name."""
    word = tokens[n].group()
    if n == 0 or not word[:1].isupper() or word.isupper():
        return False
    before = tokens[n - 1].group()
    return before[:1].islower() and before not in _NAME_PREPOSITIONS


# Vietnamese writes words as syllables and capitalises the first syllable of many common nouns.
SYLLABLE_CAPITALISING = frozenset({"vi"})


def _capitalised_neighbour(question: str, tokens: list[re.Match[str]], n: int) -> bool:
    """Whether the token before or after token ``n`` is capitalised and next to it (one space)."""
    for k in (n - 1, n + 1):
        if 0 <= k < len(tokens):
            a, b = sorted((tokens[n], tokens[k]), key=lambda t: t.start())
            if tokens[k].group()[:1].isupper() and question[a.end() : b.start()] == " ":
                return True
    return False


def _lowercase_next(question: str, tokens: list[re.Match[str]], n: int) -> bool:
    nxt = tokens[n + 1] if n + 1 < len(tokens) else None
    return nxt is not None and nxt.group()[:1].islower() and question[tokens[n].end() : nxt.start()] == " "


def salient_terms(question: str, language: str = "", tokens: list[re.Match[str]] | None = None) -> list[Term]:
    """Names, numbers and codes of the question: quoted titles, runs of capitalised or numeric tokens.

    ``language`` (of the question) matters where nouns are capitalised, as in German; ``tokens``, the
    question's ``TOKEN`` matches, when the caller has them already.
    """
    terms = [Term(m.group(1), m.start(1), m.end(1)) for m in _QUOTED.finditer(question)]
    quoted = [(t.start, t.end) for t in terms]
    runs: list[list[re.Match[str]]] = []
    prev_end = -1
    tokens = list(TOKEN.finditer(question)) if tokens is None else tokens
    for n, m in enumerate(tokens):
        inside = any(s <= m.start() < e for s, e in quoted)
        noun = language in NOUN_CAPITALISING and _common_noun(tokens, n)
        first = n == 0
        if language in SYLLABLE_CAPITALISING and m.group()[:1].isupper() and not m.group().isupper():
            # one capitalised syllable before a lower-case one is a common noun ("Nghị quyết", "Thủ
            # đô"); a name is a run of them ("Hà Nội", "Hồ Chí Minh"), which takes in the first word
            alone = not _capitalised_neighbour(question, tokens, n)
            # ... while a foreign name stands alone before punctuation or at the end ("với Paris?")
            noun, first = noun or (alone and _lowercase_next(question, tokens, n)), False
        if inside or noun or not _is_salient(m.group(), first=first):
            prev_end = -1
            continue
        # capitals tie the words of a name together; caseless words stand alone
        joined = runs and prev_end >= 0 and not _caseless(m.group()) and not _caseless(runs[-1][-1].group())
        if joined and _JOIN.match(question[prev_end : m.start()]):
            runs[-1].append(m)
        else:
            runs.append([m])
        prev_end = m.end()
    runs = _joined_names(question, runs)
    terms += [Term(question[r[0].start() : r[-1].end()], r[0].start(), r[-1].end()) for r in runs]
    # the longest names first: they carry the most; a question with many is capped for speed
    return sorted(terms, key=lambda t: -len(t.text))[:MAX_TERMS]


# An institution's or a law's name runs on over "of", "on", "for" ("Ministry of Science and Technology",
# "Law on Science, Technology and Innovation"): after one of these, ", " and "and" go on with it. Tested
# word by word, each word of it moved the question's vector too little to be seen (the whole name is
# what the evidence speaks of); a list of places ("Paris and Tokyo") has no "of" and stays apart.
_OF = re.compile(r"^\s+(?:of|on|for|für|über)\s+$")
_AND = re.compile(r"^(?:,\s+|\s+(?:and|und)\s+|,\s+(?:and|und)\s+)$")
CONNECTORS = frozenset({"of", "on", "for", "für", "über", "and", "und"})


def _joined_names(question: str, runs: list[list[re.Match[str]]]) -> list[list[re.Match[str]]]:
    out: list[list[re.Match[str]]] = []
    named = False  # whether the run being built has gone on over an "of" already
    for run in runs:
        if out and not _caseless(run[0].group()) and not _caseless(out[-1][-1].group()):
            gap = question[out[-1][-1].end() : run[0].start()]
            if _OF.match(gap) or (named and _AND.match(gap)):
                out[-1] = out[-1] + run
                named = True
                continue
        out.append(run)
        named = False
    return out


def masked_questions(question: str, terms: list[Term]) -> list[str]:
    return [" ".join((question[: t.start] + question[t.end :]).split()) for t in terms]


def numeric(term: Term) -> bool:
    """A term with digits: a date, an amount, a code. It is spelt the same in every language here."""
    return bool(DIGITS.search(term.text))


def script(text: str) -> str:
    """The writing system of the first letter of ``text`` ("LATIN", "GREEK", "DEVANAGARI", ...)."""
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            return name.split(" ", 1)[0] if name else ""
    return ""


DIGITS = re.compile(r"\d+")


def found_verbatim(term: Term, folded_text: str) -> bool:
    """Whether ``term`` stands in the text: every word (a long one may differ in its ending), or,
    for a term with numbers in it, every number (month names and ordinals are translated:
    "1 July" is "1. Juli", "26th" is "26.")."""
    numbers = DIGITS.findall(term.text)
    if numbers:
        return all(re.search(rf"(?<!\d){n}(?!\d)", folded_text) for n in numbers)
    words = [w for w in TOKEN.findall(fold(term.text)) if len(w) >= 3 and w not in CONNECTORS]
    if not words:
        return False
    if all((w[:-2] if len(w) >= 6 else w) in folded_text for w in words):
        return True
    if script(term.text) in ("GREEK", "DEVANAGARI"):
        # the same name in Latin letters: "Ανόι" -> "anoi" in "hanoi", "टोक्यो" -> "tokyo"
        latin = _latin_tokens(folded_text)
        return bool(latin) and all(
            close_in(to_latin(w), latin) for w in TOKEN.findall(term.text) if len(w) >= 3
        )
    return False


@lru_cache(maxsize=2048)
def _latin_tokens(folded_text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]{3,}", folded_text))
