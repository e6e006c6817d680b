"""The one table of language names: the Unicode CLDR's (through Babel), in any language.

``language_name("de")`` is "German", ``language_name("de", "id")`` is "Jerman". The prompts name the
answer's language with it, the notes on differing translations name the versions with it (where
their grammar takes the plain name; see translations/notes.py).

``QUESTION_LANGUAGES`` are the languages a question is expected in: the chat model is told to answer
in them by name, and a reply in another language is caught (llm/generate.py). Babel reads its data
from disk on first use, so nothing here runs at import.
"""

from __future__ import annotations

from typing import Any

from rag.text import cldr

QUESTION_LANGUAGES: tuple[str, ...] = (
    "en",
    "de",
    "id",
    "el",
    "hi",
    "vi",
    "fr",
    "es",
    "pt",
    "it",
    "ru",
    "zh",
    "ja",
    "ko",
    "ar",
    "nl",
    "pl",
    "tr",
    "th",
    "ms",
)


def _names(in_language: str) -> Any:
    locale = cldr.locale(in_language)
    return {} if locale is None else locale.languages


def language_name(code: str, in_language: str = "en") -> str:
    """The name of language ``code`` in ``in_language`` (CLDR), else in English, else the code."""
    for names in (_names(in_language), _names("en")):
        name = names.get(code)
        if name:
            return str(name)
    return code
