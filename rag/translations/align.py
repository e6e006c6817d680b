"""Which documents translate each other, and which of their sentences say the same thing.

Found at ingest, from the text alone, in the manner of bitext aligners (Vecalign, Bertalign):
sentence vectors with each document's own mean taken out (that removes the language and the
document's subject, which every sentence of it shares), then a monotone dynamic-programming path
through the similarity matrix with 1:1, 1:2 and 2:1 steps and free skips. Two documents are
translations (or close versions) when that path covers most of the shorter one with similar
sentences; an unrelated document on the same topic (the interview beside the article) gets a few
scattered matches and is left alone.

Measured on the four seed translations against a hand-checked alignment (eval/alignment_gold.json):
with ``MATCH_COST`` 0.15 and a merge allowed only where it matches better than either sentence
alone, precision and recall 1.0 on every pair for merge penalties 0.0-0.2 (0.1 is used); aligned
pairs score 0.52-0.61 on average, the interview against the article 0.22-0.29.

The result is kept in a JSON sidecar beside the collection (groups.py, sidecar.py), per document
pair and keyed by both documents' hashes: re-ingesting one changed translation re-aligns only the
pairs it is part of. Queries only look things up in it.
"""

from __future__ import annotations

import logging

import numpy as np

from rag.index.records import DocSentences

# the sidecar model, re-exported: modules that read the alignment import it from here
from rag.translations.groups import Alignment as Alignment
from rag.translations.groups import Link, PairAlignment
from rag.translations.groups import group_units as group_units
from rag.translations.groups import pairs_of as pairs_of
from rag.translations.groups import sentence_pairs as sentence_pairs

logger = logging.getLogger(__name__)

# a 1:1 link scores its similarity minus this; a skip scores 0 (so a pair below it is left out)
MATCH_COST = 0.15
# a 1:2 or 2:1 link scores twice (it covers two sentences) minus this
MERGE_PENALTY = 0.1
# how much a better fit of lengths (log ratio) may make up for a joined vector that matches less well
LENGTH_WEIGHT = 0.3
# two documents are versions of each other when the path links this share of the shorter one ...
MIN_COVERAGE = 0.6
# ... with this mean similarity (seeds: translations 0.52-0.61, the interview 0.22-0.29)
MIN_MEAN_SIMILARITY = 0.4
# documents this much longer or shorter than each other are not compared (sentence counts)
MAX_LENGTH_RATIO = 2.0
# each document is compared with at most this many others, the closest by document vector
MAX_PARTNERS = 8


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def centred_by_document(vecs: np.ndarray) -> np.ndarray:
    return _unit(vecs - vecs.mean(axis=0))


def align_pair(
    a: np.ndarray, b: np.ndarray, len_a: list[int] | None = None, len_b: list[int] | None = None
) -> list[Link]:
    """The best monotone path of 1:1, 1:2, 2:1 links through two documents' centred sentence vectors.

    ``len_a``/``len_b`` (characters per sentence) let a merge be judged by length too, as Gale and
    Church align: the sum of two sentence vectors is a weak stand-in for the vector of the two
    sentences written as one, and a short sentence joined to a long one barely moves it.
    """
    n, m = len(a), len(b)
    sims = a @ b.T
    la = np.maximum(np.asarray(len_a if len_a is not None else [1] * n, dtype=float), 1.0)
    lb = np.maximum(np.asarray(len_b if len_b is not None else [1] * m, dtype=float), 1.0)
    ratio = max(lb.sum(), 1.0) / max(la.sum(), 1.0)  # how much longer the second language writes

    def length_gain(joined: float, single: float, other: float, r: float) -> float:
        """How much better (log ratio) the lengths fit the merge than the best single link, where the
        other side is expected ``r`` times as long (0 without lengths)."""
        if len_a is None or len_b is None:
            return 0.0
        return float(abs(np.log(other / (single * r))) - abs(np.log(other / (joined * r))))

    best = np.full((n + 1, m + 1), -np.inf)
    best[0, 0] = 0.0
    step: dict[tuple[int, int], tuple[int, int, float]] = {}
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            options: list[tuple[float, int, int, float]] = []
            if i:
                options.append((best[i - 1, j], 1, 0, 0.0))
            if j:
                options.append((best[i, j - 1], 0, 1, 0.0))
            if i and j:
                s = float(sims[i - 1, j - 1])
                options.append((best[i - 1, j - 1] + s - MATCH_COST, 1, 1, s))
            # a merge only where the joined sentences match better than either alone: otherwise a
            # sentence next to a dropped one would be swallowed by its neighbour's link
            if i and j > 1:
                s = float(a[i - 1] @ _unit(b[j - 2] + b[j - 1]))
                fit = LENGTH_WEIGHT * length_gain(
                    lb[j - 2] + lb[j - 1], max(lb[j - 2], lb[j - 1]), la[i - 1], 1 / ratio
                )
                if s + fit >= max(sims[i - 1, j - 2], sims[i - 1, j - 1]):
                    options.append((best[i - 1, j - 2] + 2 * (s - MATCH_COST) - MERGE_PENALTY, 1, 2, s))
            if i > 1 and j:
                s = float(_unit(a[i - 2] + a[i - 1]) @ b[j - 1])
                fit = LENGTH_WEIGHT * length_gain(
                    la[i - 2] + la[i - 1], max(la[i - 2], la[i - 1]), lb[j - 1], ratio
                )
                if s + fit >= max(sims[i - 2, j - 1], sims[i - 1, j - 1]):
                    options.append((best[i - 2, j - 1] + 2 * (s - MATCH_COST) - MERGE_PENALTY, 2, 1, s))
            total, di, dj, s = max(options, key=lambda o: o[0])
            best[i, j] = total
            step[i, j] = (di, dj, s)
    links: list[Link] = []
    i, j = n, m
    while i or j:
        di, dj, s = step[i, j]
        if di and dj:
            links.append(Link(list(range(i - di, i)), list(range(j - dj, j)), s))
        i, j = i - di, j - dj
    return links[::-1]


def compare(x: DocSentences, y: DocSentences) -> PairAlignment:
    a, b = (x, y) if x.doc_id < y.doc_id else (y, x)
    links = align_pair(
        centred_by_document(a.vecs),
        centred_by_document(b.vecs),
        [e - s for s, e in a.spans],
        [e - s for s, e in b.spans],
    )
    covered = min(sum(len(ln.a) for ln in links), sum(len(ln.b) for ln in links))
    coverage = covered / max(min(len(a.spans), len(b.spans)), 1)
    mean = float(np.mean([ln.score for ln in links])) if links else 0.0
    translation = coverage >= MIN_COVERAGE and mean >= MIN_MEAN_SIMILARITY
    return PairAlignment(a.doc_id, b.doc_id, a.sha, b.sha, translation, coverage, mean, links)


def candidate_pairs(docs: dict[str, DocSentences], todo: set[str]) -> list[tuple[str, str]]:
    """Pairs worth aligning that involve a document of ``todo``: similar length, similar subject.

    The document vector (mean of its sentences, each language's mean taken out) keeps this from
    being a comparison of every document with every other.
    """
    ids = sorted(d for d in docs if len(docs[d].spans) >= 2)
    if len(ids) < 2:
        return []
    raw = np.vstack([docs[d].vecs.mean(axis=0) for d in ids])
    langs = [docs[d].language for d in ids]
    means = {lang: raw[[n for n, x in enumerate(langs) if x == lang]].mean(axis=0) for lang in set(langs)}
    # with one document in a language its mean is itself: centring would erase it
    counts = {lang: langs.count(lang) for lang in set(langs)}
    vec = _unit(
        np.vstack([v - means[lang] if counts[lang] > 1 else v for v, lang in zip(raw, langs, strict=True)])
    )
    sims = vec @ vec.T
    pairs: set[tuple[str, str]] = set()
    for n, d in enumerate(ids):
        if d not in todo:
            continue
        for k in np.argsort(-sims[n])[: MAX_PARTNERS + 1]:
            other = ids[int(k)]
            if other == d:
                continue
            la, lb = len(docs[d].spans), len(docs[other].spans)
            if max(la, lb) > MAX_LENGTH_RATIO * min(la, lb) + 2:
                continue
            pairs.add((min(d, other), max(d, other)))
    return sorted(pairs)


def update(previous: Alignment, docs: dict[str, DocSentences]) -> tuple[Alignment, int]:
    """The alignment of ``docs``, reusing every pair whose two documents did not change.

    Returns it and how many pairs were aligned anew.
    """
    changed = {d for d, s in docs.items() if previous.sentences.get(d, {}).get("sha") != s.sha}
    kept = {
        k: p
        for k, p in previous.pairs.items()
        if p.a in docs and p.b in docs and p.a not in changed and p.b not in changed
    }
    fresh = [compare(docs[a], docs[b]) for a, b in candidate_pairs(docs, changed) if (a, b) not in kept]
    pairs = {**kept, **{(p.a, p.b): p for p in fresh}}
    sentences = {
        d: {"sha": s.sha, "language": s.language, "spans": s.spans, "chunks": s.chunks, "texts": s.texts}
        for d, s in docs.items()
    }
    for p in fresh:
        if p.translation:
            logger.info("%s and %s are versions of each other (%.0f%% aligned)", p.a, p.b, 100 * p.coverage)
    return Alignment(pairs, sentences), len(fresh)
