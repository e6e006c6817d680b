"""Babel's CLDR data per language, looked up once: month and day names (calendar.py), language names
(languages.py), country names (translations/places.py). Babel reads it from disk on first use."""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def locale(language: str) -> Any:
    """Babel's ``Locale`` for ``language``, or None when CLDR does not know it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return None
