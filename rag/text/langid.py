"""Which language a text is written in: py3langid (its model ships in the wheel), optionally
restricted to the languages that can occur.

Unrestricted, py3langid chooses among its 97 languages, and a short question goes to a close
neighbour: "Siapa Ketua Komite Rakyat Hanoi?" reads as Malay, "कितने प्रतिशत प्रशासनिक
प्रक्रियाएँ समय पर निपटाई गईं?" as Nepali (4 of the 157 gold questions are misread so, one
English one as Nigerian Pidgin). Given ``allowed`` (say, the documents' languages and the question
languages), it chooses among those only. Each restriction is an identifier of its own, made once
per set of languages from the loaded model's arrays (no second load; py3langid 0.4.0's
``_full_model``, pinned); py3langid's module-level identifier is never restricted.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from typing import Any

_LANGID_LOCK = threading.Lock()
_LANGID_PRELOAD: list[threading.Thread] = []


def _full() -> Any:
    from py3langid.langid import _get_identifier

    return _get_identifier()


@functools.cache
def _restricted(languages: frozenset[str]) -> Any:
    """An identifier choosing among ``languages`` (those py3langid knows); None for all of them."""
    from py3langid.langid import LanguageIdentifier

    full = _full()
    ptc, pc, classes = full._full_model
    known = languages & set(classes)
    if not known or known == set(classes):
        return None
    identifier = LanguageIdentifier(ptc, pc, classes, full.tk_nextmove, full.tk_output, tk_row=full.tk_row)
    identifier.set_languages(sorted(known))
    return identifier


def _classify(sample: str, allowed: frozenset[str] | None = None) -> str:
    # py3langid loads its model (shipped in the wheel) on first use, ~0.7 s, once per process; the lock
    # makes a first question wait for a preload under way instead of loading a second copy
    with _LANGID_LOCK:
        from py3langid.langid import classify

        identifier = _restricted(allowed) if allowed else None
        lang, _score = identifier.classify(sample) if identifier is not None else classify(sample)
    return str(lang)


def preload_language_model() -> None:
    """Load the language identifier in a background thread, once per process.

    Most of its load is LZMA decompression, which runs without the GIL: started before a first
    question imports Chroma and opens the index, it is ready by the time the question needs it.
    """
    with _LANGID_LOCK:
        if _LANGID_PRELOAD:
            return
        thread = threading.Thread(target=_classify, args=("preload",), name="rag-langid", daemon=True)
        _LANGID_PRELOAD.append(thread)
    thread.start()


def detect_language(text: str, allowed: Iterable[str] | None = None) -> str:
    """ISO 639-1 code of ``text`` ("und" when there is too little to tell).

    ``allowed``: the languages to choose among (codes py3langid does not know are ignored; when it
    knows none of them, all its languages are used).
    """
    sample = " ".join(text.split())[:3000]
    if len(sample) < 3:
        return "und"
    return _classify(sample, frozenset(allowed) if allowed is not None else None)
