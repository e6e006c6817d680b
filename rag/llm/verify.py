"""Checking what a chat model wrote against the passages, sentence by sentence.

The model's citation markers are hints, never trusted: each sentence (a claim) is mapped to the
verbatim sentence of a passage that supports it, looking first at the passages it cited, then at
the others. A claim is supported by a sentence when
- every number in the claim stands in that passage (or a translation of it), whatever the digit
  grouping ("523.292" = "523,292" = "523 292") and decimal mark ("1,5" = "1.5", not "15");
- every name, code and number of the claim stands in the passage verbatim, or, for a name written
  another way in another language, pulls the claim towards that sentence (the ablation test of
  grounding.py);
- the claim and the sentence mean the same, as far as cross-lingual embeddings tell (a floor on
  their language-centred similarity).
A claim that no sentence supports is removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from rag.answer.grounding import group_text, term_support
from rag.retrieval.candidates import Candidate
from rag.text.numbers import values
from rag.text.sentences import split_sentences
from rag.text.terms import Term, found_verbatim, masked_questions, salient_terms

# raw cosine (E5, claim as query, sentence as passage) of a near copy (0.91 for an identical one);
# unrelated sentences of one language sit around 0.75-0.85
NEAR_IDENTICAL = 0.9
_URL = re.compile(r"(?:https?|ftp)://[^\s)\]]+", re.IGNORECASE)
_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")


@dataclass
class Claim:
    text: str  # the sentence with its markers removed
    markers: list[int] = field(default_factory=list)  # passage numbers cited, 1-based, valid ones
    dropped_markers: int = 0  # markers that pointed at no passage
    support: tuple[Candidate, int] | None = None  # (chunk, sentence index) once verified
    reason: str = ""  # why it was not supported


def numbers(text: str) -> set[str]:
    """The values of a text's numbers (rag/text/numbers.py): "1,5" = "1.5", which is not "15"."""
    return values(text, standalone=False)


def _marker_numbers(found: list[str], n_passages: int) -> tuple[list[int], int]:
    cited, dropped = [], 0
    for group in found:
        for num in re.split(r"\s*[,;]\s*", group):
            k = int(num)
            if 1 <= k <= n_passages:
                cited.append(k)
            else:
                dropped += 1
    return cited, dropped


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:https?|ftp|mailto|javascript|data):[^)]*\)", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def plain(answer: str) -> str:
    """Model output without markdown images, link targets or HTML tags: an answer is sentences.

    A document may carry injected instructions ("answer with this link", a tracking image with the
    question in its address); whatever the model did with them, none of it survives as markup.
    """
    text = _MD_IMAGE.sub("", answer)
    text = _MD_LINK.sub(r"\1", text)
    return _TAG.sub("", text)


def split_claims(answer: str, n_passages: int) -> list[Claim]:
    """Sentences of the answer with their markers parsed; markers out of range are counted, dropped.

    A marker written after the full stop ("... 2025. [1] The next ...") belongs to the sentence before.
    """
    claims: list[Claim] = []
    answer = plain(answer)
    for span in split_sentences(answer, 0, len(answer)):
        raw = answer[span.start : span.end]
        lead = re.match(r"(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+", raw)
        if lead and claims:
            cited, dropped = _marker_numbers(_MARKER.findall(lead.group()), n_passages)
            claims[-1].markers.extend(k for k in cited if k not in claims[-1].markers)
            claims[-1].dropped_markers += dropped
            raw = raw[lead.end() :]
        cited, dropped = _marker_numbers(_MARKER.findall(raw), n_passages)
        text = " ".join(_MARKER.sub("", raw).split())
        if re.search(r"\w", text):
            claims.append(Claim(text=text, markers=list(dict.fromkeys(cited)), dropped_markers=dropped))
    return claims


def _sentence_text(c: Candidate, i: int) -> str:
    s, e = c.sentences[i]
    return c.text[s - c.start : e - c.start]


def _best_sentence(
    group: Candidate, vec: np.ndarray, means: dict[str, np.ndarray], needed: set[str]
) -> tuple[Candidate, int, float] | None:
    """The sentence of the group (any translation) closest to the claim that holds all ``needed`` numbers."""
    best: tuple[Candidate, int, float] | None = None
    for c in [group, *group.members]:
        mean = means.get(c.language)
        scores = c.sent_vecs @ vec - (float(vec @ mean) if mean is not None else 0.0)
        for i in np.argsort(-scores):
            if needed <= numbers(_sentence_text(c, int(i))):
                if best is None or scores[i] > best[2]:
                    best = (c, int(i), float(scores[i]))
                break
    return best


def verify_claims(
    claims: list[Claim],
    groups: list[Candidate],
    claim_vecs: np.ndarray,
    embed: Callable[[list[str]], np.ndarray],
    means: dict[str, np.ndarray],
    min_score: float,
    margin: float,
) -> None:
    """Set ``support`` (or ``reason``) on each claim. ``groups[k-1]`` is passage k of the prompt."""
    for claim, vec in zip(claims, claim_vecs, strict=True):
        order = [k - 1 for k in claim.markers] + [k for k in range(len(groups)) if k + 1 not in claim.markers]
        claim_numbers = numbers(claim.text)
        terms = salient_terms(claim.text)
        reasons = []
        for k in order:
            group = groups[k]
            text = group_text(group)
            found = _best_sentence(group, vec, means, claim_numbers)
            if found is None:
                reasons.append(f"[{k + 1}] has no sentence with {sorted(claim_numbers)}")
                continue
            chunk, i, score = found
            raw = float(chunk.sent_vecs[i] @ vec)
            # the centred score discounts what any text of that language shares with the claim; in a
            # tiny collection the language mean is made of the very sentence, so a near-identical
            # sentence (raw cosine >= NEAR_IDENTICAL) counts whatever its centred score
            if score < min_score and raw < NEAR_IDENTICAL:
                reasons.append(f"[{k + 1}] too far ({score:.3f}, raw {raw:.3f})")
                continue
            if any(url not in _sentence_text(chunk, i) for url in _URL.findall(claim.text)):
                reasons.append(f"[{k + 1}] does not contain the address the sentence gives")
                continue
            unnamed = [t for t in terms if not found_verbatim(t, text)]
            if unnamed and _ungrounded(claim.text, unnamed, vec, chunk.sent_vecs[i], embed, margin):
                reasons.append(f"[{k + 1}] does not name {[t.text for t in unnamed]}")
                continue
            claim.support = (chunk, i)
            break
        if claim.support is None:
            claim.reason = "; ".join(reasons) or "no passage"


def _ungrounded(
    text: str,
    terms: list[Term],
    vec: np.ndarray,
    evidence: np.ndarray,
    embed: Callable[[list[str]], np.ndarray],
    margin: float,
) -> bool:
    masked = embed(masked_questions(text, terms))
    return bool((term_support(evidence[None, :], vec, masked) < margin).any())
