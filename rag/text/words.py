"""Words: the content words of a question, word bags of texts, and the kind of answer a question asks for.

Pure text: imports only ``rag.text``.
"""

from __future__ import annotations

import math
import re

from rag.text.function_words import is_function_word, norm
from rag.text.terms import DIGITS, TOKEN, Term

# "When ...?" is answered by a date, "How many ...?" by a number: a passage without one does not
# answer the question, however close it is ("When did the delegation travel to Korea?" and the sentence
# about sending it, which has no date).
_WHEN = re.compile(
    r"\b(?:when|wann|kapan|πότε|quand|cuándo|khi nào|bao giờ|lúc nào"
    r"|(?:which|what) year|welche[mns]? jahr|tahun berapa|ποι[οα] (?:έτος|χρονιά)|năm nào)\b"
    r"|कब|किस (?:वर्ष|साल)",
    re.IGNORECASE,
)
_COUNT = re.compile(
    r"\b(?:how many|how much|wie viele?|wieviele?|berapa|πόσ\w*|combien|cuánt\w*|bao nhiêu)\b|कितन",
    re.IGNORECASE,
)
YEAR = re.compile(r"(?<!\d)(?:1[89]|20|21)\d\d(?!\d)")


def answer_kind(question: str) -> str | None:
    """ "date" for a when-question, "number" for a how-many/how-much question, else None."""
    if _WHEN.search(question):
        return "date"
    if _COUNT.search(question):
        return "number"
    return None


def word_bag(texts: list[str]) -> str:
    """The words of ``texts`` (normalised), each once, space-separated: " w1 w2 ", for ``used_in``."""
    words = {w for text in texts for w in TOKEN.findall(norm(text))}
    return " " + " ".join(sorted(words)) + " "


def used_in(word: str, vocabulary: str) -> bool:
    """Whether ``word`` (normalised) or a form of it stands in ``vocabulary``: a short word may take an
    ending ("Αγία" / "Αγίας"), a long one may differ in its affixes ("ditandatangani" / "menandatangani",
    "Einwohnern"), so 70 % of it in one piece will do."""
    if f" {word} " in vocabulary:
        return True
    if len(word) < 5:
        return len(word) >= 3 and f" {word[: max(3, len(word) - 1)]}" in vocabulary
    k = max(4, math.ceil(0.7 * len(word)))
    return any(word[i : i + k] in vocabulary for i in range(len(word) - k + 1))


def content_words(question: str, language: str, tokens: list[re.Match[str]] | None = None) -> list[Term]:
    """The words of the question that say what it is about: no function words, numbers or codes."""
    matches = list(TOKEN.finditer(question)) if tokens is None else tokens
    return [
        Term(m.group(), m.start(), m.end())
        for m in matches
        if not DIGITS.search(m.group()) and not is_function_word(m.group(), language)
    ]
