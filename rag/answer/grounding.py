"""Does the evidence speak about what the question names?

A dense score cannot tell "What did Hanoi sign with Paris?" from "... with St Petersburg?": the
St Petersburg sentence is the closest either way. What it can tell is whether a name in the question
pulls towards the evidence: embed the question again with the name left out; if the evidence matches
the question *with* the name no better than without it, the documents do not speak about that name.
The test works across languages (the embedder is multilingual) and costs one batched embedding of
the question's variants.

Imports: ``rag.retrieval`` (Query, Candidate), ``rag.translations`` (the alignment), ``rag.text``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from rag.answer.refusal import document_language, foreign_words, gives_kind, too_foreign, vocabularies
from rag.retrieval.candidates import Candidate
from rag.retrieval.query import Query
from rag.settings import Settings
from rag.text.terms import Term, found_verbatim, masked_questions, numeric, script
from rag.text.translit import fold
from rag.translations.align import Alignment


def term_support(evidence: np.ndarray, qvec: np.ndarray, masked: np.ndarray) -> np.ndarray:
    """For each term, how much more the best evidence vector matches the question with it than without.

    ``evidence``: (n, d) sentence vectors; ``masked``: (t, d) question vectors, one term left out each.
    """
    full = evidence @ qvec  # (n,)
    without = evidence @ masked.T  # (n, t)
    return (full[:, None] - without).max(axis=0)


def evidence_vectors(leader: Candidate) -> tuple[list[str], np.ndarray]:
    """The best-scoring sentence of a group's leader and of each of its translations, with the
    script each is written in (rows in the same order)."""
    chunks = [c for c in [leader, *leader.members] if len(c.sent_scores)]
    rows = [c.sent_vecs[int(np.argmax(c.sent_scores))] for c in chunks]
    return [script(c.text) for c in chunks], np.vstack(rows)


def group_text(leader: Candidate) -> str:
    """What a group says, folded: its chunks and the subjects (headers) they were embedded with."""
    return " ".join(_folded(c.header) + " " + _folded(c.text) for c in [leader, *leader.members])


@lru_cache(maxsize=8192)
def _folded(text: str) -> str:
    return fold(text)


def terms_to_test(leaders: list[Candidate], terms: list[Term]) -> list[Term]:
    """Terms that some group does not contain verbatim: only those need the embedding test."""
    texts = [group_text(g) for g in leaders]
    return [t for t in terms if not numeric(t) and not all(found_verbatim(t, x) for x in texts)]


def ungrounded_terms(
    leader: Candidate, qvec: np.ndarray, terms: list[Term], masked: dict[Term, np.ndarray], margin: float
) -> list[str]:
    """The question's terms that the group does not speak about, verbatim or in translation.

    With ``masked`` empty, only the verbatim test is made.
    """
    text = group_text(leader)
    missing = [t for t in terms if not found_verbatim(t, text)]
    if not missing or not masked:
        return [t.text for t in missing]
    # a number is written with the same digits in every version: one that no version holds is not
    # there ("2023" for a sentence of 2025 passed the embedding test: a year moves a vector little)
    out = [t.text for t in missing if numeric(t)]
    scripts, evidence = evidence_vectors(leader)
    for t in (t for t in missing if not numeric(t)):
        same = [n for n, sc in enumerate(scripts) if sc == script(t.text)]
        # Where the group has versions in the name's own script, those decide: they could have spelt
        # it and did not. Letting every translation vote made the best of four noisy tests win
        # ("Seoul" passed on the Hindi version of the St Petersburg sentence: +0.009, German +0.001).
        # A name in another script than every version ("Καρολίνα Πάνθερς" for a Hindi text) moves the
        # vectors less: the bar is lower for it (XQuAD dev: 0.002 for a correct Greek name on Hindi).
        rows = evidence[same] if same else evidence
        # the mean over those versions: each test alone is noisy at this scale (+-0.003)
        full, without = rows @ qvec, rows @ masked[t]
        support = float(np.mean(full - without))
        if support < (margin if same else min(margin, 0.0)):
            out.append(t.text)
    return out


def ground(
    query: Query, leaders: list[Candidate], alignment: Alignment | None, settings: Settings
) -> list[Candidate]:
    """The top groups that speak about what the question asks: every name, number and code of it, the
    kind of answer it asks for (a date, a number), and its content words where the group has a version
    in the question's language that could have used them (``rag.answer.refusal``).

    The best group may speak about a name in translation (the embedding test); a group further down
    must contain the names verbatim: promoting it on the embedding test alone promoted chance matches
    ("Tokyo" -> a paragraph on Korea) in the gold set.
    """
    if not leaders:
        return []
    terms = list(query.terms)
    vocabs = vocabularies(alignment) if alignment is not None else {}
    doc_language = document_language(query, vocabs) if vocabs else None
    words = query.content_words(doc_language or query.text_language)
    best, rest = leaders[0], leaders[1 : settings.grounding_depth]
    judged = any(c.language == doc_language for g in [best, *rest] for c in [g, *g.members])
    foreign = foreign_words(words, vocabs[doc_language]) if doc_language and judged else []
    todo = terms_to_test([best], terms)
    vectors = query.embed_variants(masked_questions(query.text, [*todo, *foreign]), settings)
    masked = dict(zip(todo, vectors[: len(todo)], strict=True))
    foreign_masked = dict(zip(foreign, vectors[len(todo) :], strict=True))

    def foreign_to(g: Candidate, strict: bool) -> bool:
        return too_foreign(
            g,
            doc_language or query.text_language,
            query.vector,
            foreign,
            foreign_masked,
            len(words),
            settings.decision("foreign_margin"),
            settings.decision("foreign_share"),
            strict,
        )

    # when the best group has a version in the question's language and the question's words failed on
    # it, a group further down that has no such version cannot show it does better: it is not promoted
    strict = foreign_to(best, False)
    kept = []
    if (
        not strict
        and gives_kind(best, query.kind)
        and not ungrounded_terms(best, query.vector, terms, masked, settings.decision("grounding_margin"))
    ):
        kept.append(best)
    kept.extend(
        g
        for g in rest
        if gives_kind(g, query.kind)
        and not ungrounded_terms(g, query.vector, terms, {}, settings.decision("grounding_margin"))
        and not foreign_to(g, strict)
    )
    return kept
