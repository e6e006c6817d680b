"""Synthetic close misses for ``eval.learned_decision``: the gold set's answerable questions with one
name or one number swapped for one that no seed document holds (so they are to be refused).

A name is swapped for a city of the same script that no document names ("Oslo", "Όσλο", "ओस्लो"); a
number for the nearest one (+7, +13, ...) that stands nowhere in the documents as a number. Hindi
questions, whose names cannot be seen, swap "हनोई" when they have it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.calibrate import Item
from rag.text.terms import DIGITS, Term, numeric, salient_terms, script
from rag.text.translit import fold

POOL = {
    "LATIN": ["Oslo", "Nairobi", "Montevideo", "Winnipeg", "Reykjavik", "Bratislava", "Quito", "Tasmania"],
    "GREEK": ["Όσλο", "Ναϊρόμπι", "Μοντεβιδέο", "Ρέικιαβικ", "Μπρατισλάβα", "Κίτο"],
    "DEVANAGARI": ["ओस्लो", "नैरोबी", "मोंटेवीडियो", "रेक्याविक", "ब्रातिस्लावा", "क्विटो"],
}
HINDI_NAMES = ("हनोई",)


def _free_number(n: str, corpus: str) -> str | None:
    for step in (7, 13, 19, 29, 37):
        new = str(int(n) + step)
        if not re.search(rf"(?<!\d){new}(?!\d)", corpus):
            return new
    return None


def _swappable(term: Term, lang: str, known: set[str]) -> bool:
    return lang != "de" or " " in term.text or fold(term.text) in known


def _swap(question: str, start: int, end: int, new: str) -> str:
    return question[:start] + new + question[end:]


def close_misses(items: list[Item], langs: dict[str, str], corpus: str) -> list[tuple[int, Item]]:
    """(index of the source item, its close miss) for every answerable item without a history."""
    folded = fold(corpus)
    pools = {k: [p for p in v if fold(p) not in folded] for k, v in POOL.items()}
    out: list[tuple[int, Item]] = []
    # German capitalises its nouns: a one-word German term is swapped only when it is a name elsewhere
    known = {
        fold(t.text) for i in items if langs[i.id] != "de" for t in salient_terms(i.question, langs[i.id])
    }
    turn = 0
    for n, item in enumerate(items):
        if not item.answerable or item.history:
            continue
        terms: list[Term] = salient_terms(item.question, langs[item.id])
        names = sorted(
            (t for t in terms if not numeric(t) and _swappable(t, langs[item.id], known)),
            key=lambda t: "hanoi" in fold(t.text),
        )
        numbers = [t for t in terms if numeric(t)]
        made: list[tuple[str, str]] = []
        if names and pools.get(script(names[0].text)):
            pool = pools[script(names[0].text)]
            made.append(("name", _swap(item.question, names[0].start, names[0].end, pool[turn % len(pool)])))
            turn += 1
        elif not terms:
            for name in HINDI_NAMES:
                if name in item.question:
                    pool = pools["DEVANAGARI"]
                    made.append(("name", item.question.replace(name, pool[turn % len(pool)], 1)))
                    turn += 1
                    break
        if numbers:
            t = numbers[0]
            digits = DIGITS.search(t.text)
            new = _free_number(digits.group(), corpus) if digits else None
            if digits and new:
                at = t.start + digits.start()
                made.append(("number", _swap(item.question, at, at + len(digits.group()), new)))
        for how, question in made:
            miss = replace(item, id=f"{item.id}~{how}", question=question, support=[], answerable=False)
            out.append((n, miss))
    return out
