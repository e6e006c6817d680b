"""The note that says, in the answer's language, where the translations of a cited sentence differ.

"The translations differ: the German one says “Nordchinas”; the Indonesian and Greek ones do not
name China." Templates in six answer languages (others get English). A version is named by its
language: the CLDR name in the answer's language (rag/text/languages.py) where the template takes
the plain name (English, Indonesian, Hindi, Vietnamese), and the adjective the template needs where
CLDR has only the noun (German "die deutsche", Greek "η γερμανική"); a country by its CLDR name.
"""

from __future__ import annotations

from rag.text.languages import language_name
from rag.text.normalise import fold
from rag.translations import places

# "The translations differ: the German one says X; the Indonesian, Greek and Hindi ones say Y."
# Per answer language: the opening, how one version and several are named, and "does not say it".
NOTE_TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "open": "The translations differ",
        "one": "the {langs} one says {value}",
        "many": "the {langs} ones say {value}",
        "none": "the {langs} one does not have this sentence",
        "nones": "the {langs} ones do not have this sentence",
        "unnamed": "the {langs} one does not name {place}",
        "unnameds": "the {langs} ones do not name {place}",
        "and": "and",
    },
    "de": {
        "open": "Die Übersetzungen weichen ab",
        "one": "die {langs} sagt {value}",
        "many": "die {langs} sagen {value}",
        "none": "der {langs} fehlt dieser Satz",
        "nones": "den {langs} fehlt dieser Satz",
        "unnamed": "die {langs} nennt {place} nicht",
        "unnameds": "die {langs} nennen {place} nicht",
        "and": "und",
    },
    "id": {
        "open": "Terjemahannya berbeda",
        "one": "versi {langs} menyebut {value}",
        "many": "versi {langs} menyebut {value}",
        "none": "versi {langs} tidak memuat kalimat ini",
        "nones": "versi {langs} tidak memuat kalimat ini",
        "unnamed": "versi {langs} tidak menyebut {place}",
        "unnameds": "versi {langs} tidak menyebut {place}",
        "and": "dan",
    },
    "el": {
        "open": "Οι μεταφράσεις διαφέρουν",
        "one": "η {langs} λέει {value}",
        "many": "οι {langs} λένε {value}",
        "none": "η {langs} δεν έχει αυτή την πρόταση",
        "nones": "οι {langs} δεν έχουν αυτή την πρόταση",
        "unnamed": "η {langs} δεν αναφέρει {place}",
        "unnameds": "οι {langs} δεν αναφέρουν {place}",
        "and": "και",
    },
    "hi": {
        "open": "अनुवादों में अंतर है",
        "one": "{langs} अनुवाद में {value} है",
        "many": "{langs} अनुवादों में {value} है",
        "none": "{langs} अनुवाद में यह वाक्य नहीं है",
        "nones": "{langs} अनुवादों में यह वाक्य नहीं है",
        "unnamed": "{langs} अनुवाद में {place} का उल्लेख नहीं है",
        "unnameds": "{langs} अनुवादों में {place} का उल्लेख नहीं है",
        "and": "और",
    },
    "vi": {
        "open": "Các bản dịch khác nhau",
        "one": "bản {langs} ghi {value}",
        "many": "các bản {langs} ghi {value}",
        "none": "bản {langs} không có câu này",
        "nones": "các bản {langs} không có câu này",
        "unnamed": "bản {langs} không nhắc đến {place}",
        "unnameds": "các bản {langs} không nhắc đến {place}",
        "and": "và",
    },
}
# the names of versions that CLDR does not give as the templates need them: German and Greek
# adjectives (CLDR has the nouns "Deutsch", "Γερμανικά"), and the Hindi spelling "हिंदी" (CLDR "हिन्दी")
_FORMS: dict[str, dict[str, str]] = {
    "de": {
        "en": "englische",
        "de": "deutsche",
        "id": "indonesische",
        "el": "griechische",
        "hi": "Hindi-",
        "vi": "vietnamesische",
    },
    "el": {
        "en": "αγγλική",
        "de": "γερμανική",
        "id": "ινδονησιακή",
        "el": "ελληνική",
        "hi": "χίντι",
        "vi": "βιετναμέζικη",
    },
    "hi": {"hi": "हिंदी"},
}
# answer languages whose templates need an adjective: a language without one is named by its code
_ADJECTIVES = {"de", "el"}


def version_name(code: str, answer_language: str) -> str:
    """How a note in ``answer_language`` names the version in language ``code``."""
    form = _FORMS.get(answer_language, {}).get(code)
    if form is not None:
        return form
    if answer_language in _ADJECTIVES:
        return code
    name = language_name(code, answer_language)
    # inside a sentence: "bản tiếng Anh", where CLDR writes "Tiếng Anh"
    return name[:1].lower() + name[1:] if answer_language == "vi" else name


def _join(words: list[str], conj: str) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conj} {words[-1]}"


def note(
    kind: str, values: dict[str, str], languages: dict[str, str], answer_language: str, about: str = ""
) -> str:
    """One line in the answer's language: which versions say what (versions saying the same, together).

    ``about``: the country a "meaning" finding is about; the versions with nothing to quote "do not
    name" it (in the answer's language, from CLDR)."""
    lang = answer_language if answer_language in NOTE_TEMPLATES else "en"
    t = NOTE_TEMPLATES[lang]
    said: dict[str, list[str]] = {}
    for doc_id, value in values.items():
        said.setdefault(fold(" ".join(value.split()), compatibility=False), []).append(doc_id)
    parts = []
    for key, docs in sorted(said.items(), key=lambda kv: (kv[0] == "", -len(kv[1]))):
        langs = _join(list(dict.fromkeys(version_name(languages.get(d, d), lang) for d in docs)), t["and"])
        if key and kind == "missing":
            continue  # the versions that have it need no quoting: the citations show them
        if key:
            value = f"“{values[docs[0]].strip()}”"
            parts.append(t["one" if len(docs) == 1 else "many"].format(langs=langs, value=value))
        elif about:
            place = places.country_name(about, lang)
            parts.append(t["unnamed" if len(docs) == 1 else "unnameds"].format(langs=langs, place=place))
        else:
            parts.append(t["none" if len(docs) == 1 else "nones"].format(langs=langs))
    return f"{t['open']}: {'; '.join(parts)}."
