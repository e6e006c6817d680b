"""The offline answer: the sentences of the documents that answer the question, cited.

No model writes anything here: the answer is made of verbatim sentences, so it cannot say what the
documents do not. Where a group holds the passage in the question's own language, that
translation is the one shown first.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from rag.answer.cite import make_citation, translated_citations, with_marker
from rag.answer.grounding import (
    content_words,
    found_verbatim,
    names_visible,
    salient_terms,
    used_in,
    word_bag,
)
from rag.ingestion.documents import detect_language
from rag.retrieval.search import Candidate
from rag.settings import Settings
from rag.text.function_words import norm
from rag.text.translit import fold
from rag.translations.align import Alignment
from rag.translations.notes import note
from rag.types import Answer, Citation, Disagreement, Passage

logger = logging.getLogger(__name__)

NOT_IN_DOCUMENTS = {
    "en": "The documents do not say.",
    "de": "Die Dokumente sagen dazu nichts.",
    "id": "Dokumen-dokumen tersebut tidak menyebutkannya.",
    "el": "Τα έγγραφα δεν το αναφέρουν.",
    "hi": "दस्तावेज़ों में इसका उल्लेख नहीं है।",
    "vi": "Các tài liệu không đề cập đến điều này.",
    "fr": "Les documents ne le disent pas.",
    "es": "Los documentos no lo dicen.",
}

# A second sentence is considered only when it scores nearly as well as the first (see _pick_sentences).
SECOND_SENTENCE_MARGIN = 0.03
# Sentence scores closer than this are a tie: single scores are noisy by a few thousandths (see
# grounding.py). Gold set, accuracy / citation precision: 0 0.809 / 0.770, 0.001-0.0025 0.824 /
# 0.767-0.755, 0.003 0.817 / 0.751; 0.002 sits inside the flat part.
SCORE_TIE = 0.002


def question_language(question: str, known: set[str]) -> str:
    lang = detect_language(question)
    return lang if lang in known or lang in NOT_IN_DOCUMENTS else "en"


def refusal(question: str, query: str) -> Answer:
    lang = question_language(question, set())
    text = NOT_IN_DOCUMENTS.get(lang, NOT_IN_DOCUMENTS["en"])
    return Answer(text=text, answered=False, citations=[], query=query)


def is_relevant(leader: Candidate, settings: Settings) -> bool:
    """Whether the best passage is close enough to the question to answer from it."""
    return float(leader.sent_cos.max()) >= settings.min_relevance


def _pick_sentences(
    leaders: list[Candidate], settings: Settings, first_complete: bool = False
) -> list[tuple[Candidate, int]]:
    """(chunk, sentence index) pairs that make up the answer, best first.

    The first is the best sentence of the best group. A second one, scoring within
    ``SECOND_SENTENCE_MARGIN`` of it, joins when it is in the same passage. A sentence of
    another group (cited with all its translations) joins only when the first may be the wrong one:
    when it scores as well as the first (within ``SCORE_TIE``: the ranking of the passages and that of
    the sentences disagree), or when the first may be incomplete: it does not name every name and
    number of the question, or the question's names cannot be seen (``first_complete`` False). On the
    gold set most second sentences from other groups lay outside every supporting passage.
    """
    best = leaders[0]
    picks = [(best, best.best_sentence)]
    top = float(best.sent_scores.max())
    options: list[tuple[float, Candidate, int]] = []
    order = np.argsort(-best.sent_scores)
    if len(order) > 1:
        options.append((float(best.sent_scores[order[1]]), best, int(order[1])))
    # the next groups' best sentences compete too: when the best group is the wrong one, the
    # answer is often there (measured: without them accuracy 0.87 instead of 0.92)
    options.extend((float(o.sent_scores.max()), o, o.best_sentence) for o in leaders[1:3])
    for score, cand, i in sorted(options, key=lambda o: -o[0]):
        if len(picks) >= settings.answer_max_sentences:
            break
        if score < top - SECOND_SENTENCE_MARGIN or not is_relevant(cand, settings):
            continue
        if cand is best or score >= top - SCORE_TIE or not first_complete:
            picks.append((cand, i))
    return picks


def adds_content(question: str, first: list[Citation], second: list[Citation], language: str) -> bool:
    """Whether the second sentence speaks of a content word of the question that the first does not,
    compared in the question's language ("Zusammenarbeit ... eröffnet": the first sentence has it all,
    "In jüngster Zeit wurden zahlreiche Kooperationsaktivitäten umgesetzt" adds nothing). True when
    either sentence has no version in that language: then nothing can be told."""
    texts = [[c.quote for c in cites if c.language == language] for cites in (first, second)]
    if not all(texts):
        return True
    one, two = (word_bag(t) for t in texts)
    words = [norm(t.text) for t in content_words(question, language)]
    return any(used_in(w, two) and not used_in(w, one) for w in words)


def names_everything(question: str, citations: list[Citation]) -> bool:
    """Whether the cited sentence (in one of its translations) holds every name, number and code of
    the question, verbatim as grounding.py finds them.

    False when the question's script has no capitals (Hindi): its names cannot be seen, so a sentence
    cannot be shown to hold them all.
    """
    if not names_visible(question):
        return False
    terms = salient_terms(question, detect_language(question))
    text = " ".join(fold(c.quote) for c in citations)
    return all(found_verbatim(t, text) for t in terms)


def cite_group(
    cand: Candidate, i: int, pool: list[Candidate], alignment: Alignment, prefer: str
) -> list[Citation]:
    """The sentence and its translations, together under one group id, the one in ``prefer`` first."""
    s, e = cand.sentences[i]
    group, translations = translated_citations(cand, i, pool, alignment)
    if not translations:
        return [make_citation(cand, s, e, None)]
    cites = [make_citation(cand, s, e, group)] + [replace(c, group=group) for c in translations]
    cites.sort(key=lambda c: c.language != prefer)  # stable: otherwise the retrieval order
    return cites


def disagreements(citations: list[Citation], alignment: Alignment, language: str) -> list[Disagreement]:
    """What the translations of the cited sentences disagree on (found at ingest), noted in ``language``."""
    out: list[Disagreement] = []
    seen: set[str] = set()
    for c in citations:
        gid = alignment.group(c.doc_id, c.start, c.end)
        if gid is None or gid in seen:
            continue
        seen.add(gid)
        for f in alignment.findings(gid):
            langs = {d: alignment.sentences[d]["language"] for d in f.values}
            text = note(f.kind, f.values, langs, language, f.about)
            out.append(Disagreement(kind=f.kind, group=c.group or gid, values=f.values, note=text))
    return out


def passage_disagreements(passage: Passage, alignment: Alignment, language: str) -> list[Disagreement]:
    """The disagreements of every sentence of a retrieved passage (as if each were cited)."""
    info = alignment.sentences.get(passage.doc_id, {})
    spans = [(s, e) for s, e in info.get("spans", []) if passage.start <= s and e <= passage.end]
    cites = [Citation(passage.doc_id, "", s, e, passage.language) for s, e in spans]
    return disagreements(cites, alignment, language)


def with_notes(answer: Answer, alignment: Alignment, language: str) -> Answer:
    """``answer`` with the disagreements of its cited groups, each said in one line of its text."""
    answer.disagreements = disagreements(answer.citations, alignment, language)
    if answer.disagreements:
        answer.text = "\n".join([answer.text, *(d.note for d in answer.disagreements)])
    return answer


def extractive_answer(
    question: str, query: str, leaders: list[Candidate], alignment: Alignment, settings: Settings
) -> Answer:
    if not leaders or not is_relevant(leaders[0], settings):
        return refusal(question, query)
    prefer = settings.answer_language or question_language(question, {c.language for c in leaders})
    citations: list[Citation] = []
    parts: list[str] = []
    best = leaders[0]
    first = cite_group(best, best.best_sentence, [best, *best.members], alignment, prefer)
    complete = names_everything(question, first)
    picks = _pick_sentences(leaders, settings, complete)
    for n, (cand, i) in enumerate(picks, start=1):
        group = first if n == 1 else cite_group(cand, i, [cand, *cand.members], alignment, prefer)
        if n > 1 and cand is not best and complete and not adds_content(question, first, group, prefer):
            continue  # a tie that says nothing of the question the first does not
        citations.extend(group)
        parts.append(with_marker(group[0].quote, n))
    answer = Answer(text=" ".join(parts), answered=True, citations=citations, query=query)
    return with_notes(answer, alignment, prefer)
