"""Meaning-level differences between the versions of one sentence, found by a chat model.

"Nordchinas" where the others say "the North region" is a difference of meaning that no fact
parser sees. The model is asked for each group of aligned sentences; a difference it claims is kept
only if it quotes both versions verbatim, and not the same words. The model comes in as ``chat``, a
function from OpenAI-style messages to the reply's text (the caller binds rag.llm to it: this
package sits below the chat model and does not import it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable

from rag.text.normalise import fold
from rag.translations.groups import Alignment, Finding, group_units

logger = logging.getLogger(__name__)

# messages -> the model's reply
Chat = Callable[[list[dict[str, str]]], str]

# Every difference must quote both sides verbatim, or it is dropped.
COMPARE_SYSTEM = """You compare versions of one sentence, translated into different languages.
Report only differences in meaning: a different place, region, country, person, organisation,
number, date or amount. Ignore wording, word order, grammar and style.
For each difference write one line of JSON:
{"a": "A", "a_text": "<words as written in A>", "b": "B", "b_text": "<words as written in B>"}
Copy a_text and b_text character for character from the versions. Keep them short (a few words).
If the versions say the same thing, reply with exactly NONE."""

COMPARE_USER = """Versions:
{versions}

Differences (JSON lines, or NONE):"""

_JSON_LINE = re.compile(r"\{[^{}]*\}")


def llm_meaning(units: dict[str, str], chat: Chat) -> list[Finding]:
    """Meaning-level differences found by the chat model, kept only where both quotes are verbatim.

    Raises what ``chat`` raises when the model cannot be reached.
    """
    labels = {chr(ord("A") + n): d for n, d in enumerate(sorted(units))}
    versions = "\n".join(f"{label}: {' '.join(units[d].split())}" for label, d in labels.items())
    reply = chat(
        [
            {"role": "system", "content": COMPARE_SYSTEM},
            {"role": "user", "content": COMPARE_USER.format(versions=versions)},
        ]
    )
    merged: dict[str, dict[str, str]] = {}  # one finding per quoted span of the odd version out
    for raw in _JSON_LINE.findall(reply):
        try:
            item = json.loads(raw)
            a, b = labels[str(item["a"]).strip()], labels[str(item["b"]).strip()]
            a_text, b_text = str(item["a_text"]).strip(), str(item["b_text"]).strip()
        except (ValueError, KeyError, TypeError):
            continue
        # a difference is real only if both sides are quoted as they stand, and are not the same words
        same = fold(a_text, compatibility=False) == fold(b_text, compatibility=False)
        if a == b or len(a_text) < 2 or len(b_text) < 2 or same:
            continue
        if a_text not in units[a] or b_text not in units[b]:
            logger.info(
                "dropped a claimed difference that does not quote both versions: %r / %r", a_text, b_text
            )
            continue
        values = merged.setdefault(f"{a}\x00{a_text}", {a: a_text})
        values.setdefault(b, b_text)
    return [Finding("meaning", v) for v in merged.values()]


def llm_findings(
    alignment: Alignment, chat: Chat, model: str | None, unavailable: tuple[type[BaseException], ...]
) -> dict[str, list[Finding]]:
    """Meaning-level findings per group from the chat model ``model``, cached in the alignment by the
    groups' text. An exception of ``unavailable`` from ``chat`` (the model cannot be reached) ends the
    comparison: the groups compared so far keep their findings, and meaning is not checked further."""
    cache = alignment.llm_cache
    out: dict[str, list[Finding]] = {}
    for gid in alignment.groups:
        units = {d: u for d, u in group_units(alignment, gid).items() if u}
        if len(units) < 2:
            continue
        key = hashlib.sha256(json_key(units, model).encode()).hexdigest()[:16]
        if key not in cache:
            try:
                cache[key] = llm_meaning(units, chat)
            except unavailable as exc:
                logger.warning("chat model could not compare translations (%s): meaning is not checked", exc)
                return out
        if cache[key]:
            out[gid] = cache[key]
    return out


def json_key(units: dict[str, str], model: str | None) -> str:
    return json.dumps([model, sorted(units.items())], ensure_ascii=False)
