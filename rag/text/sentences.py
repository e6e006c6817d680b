"""Sentences as character offsets into a text: ``text[span.start:span.end]`` is the sentence, trimmed.

Used for chunking at ingest and for splitting a chat model's answer into claims. Pure text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sentence ends: . ! ? … and the Devanagari danda, the Greek question mark, CJK full stops.
_END = re.compile(r"[.!?…।॥;。！？]+[\"'”’»)\]]*(?=\s+|$)")
# Words after which a period does not end a sentence (lower-cased, without the period).
_ABBREVIATIONS = frozenset(
    [
        "nr",
        "no",
        "nos",
        "dr",
        "prof",
        "mr",
        "mrs",
        "ms",
        "st",
        "sr",
        "jr",
        "vs",
        "etc",
        "bzw",
        "ca",
        "z.b",
        "u.a",
        "d.h",
        "usw",
        "vgl",
        "hr",
        "fr",
        "abs",
        "art",
        "inkl",
        "ggf",
        "evtl",
        "sog",
        "tel",
        "bd",
        "jl",
        "km",
        "kg",
        "mio",
        "mrd",
        "tsd",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "okt",
        "oct",
        "nov",
        "dez",
        "dec",
        "αρ",
        "αριθ",
        "κ",
        "π.χ",
        "δηλ",
        "no.",
        "tn",
        "ny",
        "dll",
        "dsb",
        "yth",
    ]
)
_LOWER_START = re.compile(r"\s*[\"'“‘„«(\[]?[a-zà-ÿα-ω]")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _ends_sentence(text: str, seg_start: int, dot: int, after: int) -> bool:
    """Whether the terminator at ``dot`` really ends a sentence."""
    if text[dot] == ";" and not _is_greek(text, seg_start, dot):
        return False  # a semicolon ends a sentence only in Greek, where it is the question mark
    if text[dot] == "." and text[dot - 1 : dot] != ".":
        word = re.search(r"(\S+)$", text[seg_start:dot])
        token = word.group(1).lower() if word else ""
        token = token.lstrip("(\"'„“«")
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            return False
        # "15. Mai", "1. Juli": German ordinals; a year ("2025.") does end a sentence
        if token.isdigit() and len(token) <= 2:
            return False
    # the next sentence does not start with a lower-case letter
    return not _LOWER_START.match(text, after)


def _is_greek(text: str, start: int, pos: int) -> bool:
    window = text[max(start, pos - 40) : pos]
    return any("\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff" for ch in window)


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentences of ``text[start:end]`` as trimmed spans (no leading or trailing blanks)."""
    spans: list[Span] = []
    cur = start
    for m in _END.finditer(text, start, end):
        if not _ends_sentence(text, start, m.start(), m.end()):
            continue
        spans.append(Span(cur, m.end()))
        cur = m.end()
    spans.append(Span(cur, end))
    out = []
    for sp in spans:
        s, e = sp.start, sp.end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(Span(s, e))
    return out
