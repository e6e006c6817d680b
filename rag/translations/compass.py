"""Compass directions named in a sentence, in the language it is written in.

Used to compare the versions of one aligned sentence group: one version says "Utara" (north) where
another says "Selatan" (south). The words are a small table of stems per language, since CLDR has
no compass points; a compass word that starts a country's name ("Österreich", "Südafrika") is a
name (places.py), not a direction.
"""

from __future__ import annotations

import functools
import re

from rag.text.normalise import Marks, fold, fold_map
from rag.translations.places import WORD_CHAR as WORD
from rag.translations.places import Mention, is_country_name

# compass directions, as the start of a word (Greek without accents); the words of one language only
DIRECTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"N": ("north",), "S": ("south",), "E": ("east",), "W": ("west",)},
    "de": {"N": ("nord", "nörd"), "S": ("süd",), "E": ("ost", "öst"), "W": ("west",)},
    "id": {"N": ("utara",), "S": ("selatan",), "E": ("timur",), "W": ("barat",)},
    "el": {"N": ("βορει", "βορρα"), "S": ("νοτι", "νοτο"), "E": ("ανατολ",), "W": ("δυτικ", "δυση")},
    "hi": {"N": ("उत्तर",), "S": ("दक्षिण",), "E": ("पूर्व",), "W": ("पश्चिम",)},
    "vi": {"N": ("bắc",), "S": ("nam",), "E": ("đông",), "W": ("tây",)},
}
OPPOSITE = {"N": "S", "S": "N", "E": "W", "W": "E"}
# languages whose direction words are whole words, not the start of a compound or an inflected form
_WHOLE_WORD = {"id", "vi"}
# "Việt Nam" is a name, not the south
_NOT_DIRECTION = re.compile(r"việt\s+nam", re.IGNORECASE)


def directions(text: str, language: str) -> list[Mention]:
    """The compass points ``text`` names (north, Nord-, Βόρεια, उत्तरी, Utara, Bắc ...)."""
    if language not in DIRECTIONS:
        return []
    folded, where = fold_map(text, _marks(language))
    skip = [(m.start(), m.end()) for m in _NOT_DIRECTION.finditer(folded)]
    found = []
    for point, pattern in _direction_patterns(language):
        for m in pattern.finditer(folded):
            if any(s <= m.start() < e for s, e in skip):
                continue
            start, end = where[m.start()], where[m.end() - 1] + 1
            if is_country_name(text[start:end], language):
                continue  # "Österreich", "Südafrika": the compass word belongs to a name
            found.append(Mention(point, start, end))
    return sorted(found, key=lambda m: m.start)


def _marks(language: str) -> Marks:
    # accents tell words apart ("đông" east, "đồng" dong; "Süd" south, "Sudan"), except in Greek,
    # where they come and go with case and inflection
    return "accents" if language == "el" else "keep"


@functools.cache
def _direction_patterns(language: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    marks = _marks(language)
    ending = "" if language in _WHOLE_WORD else WORD + "*"
    out = []
    for point, stems in DIRECTIONS[language].items():
        stems_folded = [fold(s, marks) for s in stems]
        alts = "|".join(map(re.escape, stems_folded))
        out.append((point, re.compile(rf"(?<!{WORD})(?:{alts}){ending}(?!{WORD})")))
    return tuple(out)
