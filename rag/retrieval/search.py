"""Cross-lingual retrieval: dense scores with the language bias taken out, translations grouped.

Why centering: a multilingual embedder scores a question higher against any text in the
question's own language. Subtracting, per document language, the similarity of the question to
that language's mean vector removes this bias (measured on the XQuAD dev half: other-language
questions hit@5 0.59 -> 0.95; English hit@1 0.81 -> 0.86). A chunk's score adds its best
sentence's score to its own: the sentence catches the one fact a question asks about.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import numpy as np

from rag.index.embedders import get_embedder
from rag.index.records import sentence_id
from rag.index.store import CHUNK, SENTENCE, IndexError_, Record, Store, each, get_store
from rag.settings import Settings
from rag.translations.sidecar import alignment as stored_alignment
from rag.types import Passage

logger = logging.getLogger(__name__)


@dataclass
class Candidate:
    chunk_id: str
    doc_id: str
    language: str
    start: int
    end: int
    text: str
    header: str  # the document's subject, embedded with the chunk (see indexing.context_header)
    position: int
    sentences: list[tuple[int, int]]
    cos: float  # raw cosine of question and chunk
    score: float = 0.0  # centred chunk score + centred best-sentence score
    vec: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    sent_vecs: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    sent_scores: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # centred
    sent_cos: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # raw
    group: str | None = None
    members: list[Candidate] = field(default_factory=list)  # translations, when this one leads a group

    @property
    def best_sentence(self) -> int:
        return int(np.argmax(self.sent_scores)) if len(self.sent_scores) else 0

    def sentence_id(self, i: int) -> str:
        return sentence_id(self.chunk_id, *self.sentences[i])

    def to_passage(self) -> Passage:
        return Passage(
            doc_id=self.doc_id,
            start=self.start,
            end=self.end,
            text=self.text,
            score=round(float(self.score), 4),
            language=self.language,
            group=self.group,
            translations=tuple(m.to_passage() for m in self.members),
        )


def embed_question(question: str, settings: Settings) -> np.ndarray:
    return np.asarray(get_embedder(settings.embed_model).embed_query_vec(question), dtype=np.float32)


def search(qvec: np.ndarray, settings: Settings, store: Store | None = None) -> list[Candidate]:
    """Candidate chunks, best first, each with its sentences scored."""
    store = store or get_store(settings)
    if store.is_empty():
        raise IndexError_(
            f"the index for {settings.docs_dir} is empty: run `rag ingest` (or rag.ingest()) first"
        )
    stats = store.stats()
    per_language = max(settings.candidates // max(len(stats.chunk_mean), 1), settings.top_k * 2, 8)

    def in_language(lang: str) -> tuple[list[Candidate], dict[str, np.ndarray]]:
        # a plain HNSW query on this language's chunk collection, the records with it, then the
        # vectors of their sentences (the same language's sentence collection)
        offset = float(qvec @ stats.chunk_mean[lang])
        hits = store.nearest_records(qvec, per_language, CHUNK, lang)
        if settings.sentence_candidates:
            # the chunks of the nearest sentences too: in a long document every chunk shares its topic,
            # and the chunk holding the one sentence that answers may rank low as a whole
            seen = {chunk_id for chunk_id, _, _ in hits}
            near = store.nearest_records(qvec, settings.sentence_candidates, SENTENCE, lang)
            extra = [
                i for i in dict.fromkeys(str(rec.metadata["chunk"]) for _, _, rec in near) if i not in seen
            ]
            recs = store.records(extra)
            hits += [(i, float(recs[i].vector @ qvec), recs[i]) for i in extra if i in recs]
        cands = [
            _candidate(chunk_id, lang, rec, float(rec.vector @ qvec), cos - offset)
            for chunk_id, cos, rec in hits
        ]
        return cands, store.embeddings([c.sentence_id(i) for c in cands for i in range(len(c.sentences))])

    # one search per document language (see the module docstring); languages side by side
    found = each(in_language, list(stats.chunk_mean))
    everything = [c for cands, _ in found for c in cands]
    vecs = {k: v for _, part in found for k, v in part.items()}
    # scored with their sentences before the cut: a chunk brought by a sentence may rank low as a whole
    _score_sentences(everything, vecs, qvec, store, settings.sentence_weight)
    return sorted(everything, key=lambda c: -c.score)[: settings.candidates]


def _score_sentences(
    cands: list[Candidate], vecs: dict[str, np.ndarray], qvec: np.ndarray, store: Store, weight: float
) -> None:
    stats = store.stats()
    for c in cands:
        c.sent_vecs = np.vstack([vecs[c.sentence_id(i)] for i in range(len(c.sentences))])
        c.sent_cos = c.sent_vecs @ qvec
        mean = stats.sentence_mean.get(c.language)
        c.sent_scores = c.sent_cos - (float(qvec @ mean) if mean is not None else 0.0)
        c.score += weight * float(c.sent_scores.max())


def load_candidates(ids: list[str], qvec: np.ndarray, store: Store, weight: float) -> list[Candidate]:
    """Chunks read by id (translations the search did not bring), scored as the search scores."""
    means = store.stats().chunk_mean
    records = store.records(ids)
    out = []
    for chunk_id in ids:
        rec = records.get(chunk_id)
        if rec is None:  # deleted between the search and this read (an ingest running beside us)
            continue
        lang = str(rec.metadata["language"])
        cos = float(rec.vector @ qvec)
        mean = means.get(lang)
        out.append(
            _candidate(chunk_id, lang, rec, cos, cos - (float(qvec @ mean) if mean is not None else 0.0))
        )
    vecs = store.embeddings([c.sentence_id(i) for c in out for i in range(len(c.sentences))])
    _score_sentences(out, vecs, qvec, store, weight)
    return out


def _candidate(chunk_id: str, lang: str, rec: Record, cos: float, score: float) -> Candidate:
    meta = rec.metadata
    return Candidate(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        language=lang,
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=rec.text,
        header=str(meta.get("header", "")),
        position=int(meta.get("position", 0)),
        sentences=[tuple(x) for x in json.loads(str(meta["sentences"]))],
        cos=cos,
        score=score,
        vec=rec.vector,
    )


def group_translations(
    cands: list[Candidate], qvec: np.ndarray, store: Store, settings: Settings
) -> list[Candidate]:
    """Leaders of groups: a chunk and the chunks of its translations (or close versions).

    Which chunks translate each other was found at ingest (align.py): here it is only looked up.
    The top ``top_k`` leaders get all their translations, read from the index when the search did
    not bring them (a translation can rank low: the Hindi version of a fact asked in German).
    """
    alignment = stored_alignment(store)
    by_id = {c.chunk_id: c for c in cands}
    taken: set[str] = set()
    leaders: list[Candidate] = []
    wanted: dict[str, Candidate] = {}  # chunk id to read -> the leader it belongs to
    for c in cands:  # best first, so a leader is its group's best-scoring chunk
        if c.chunk_id in taken:
            continue
        taken.add(c.chunk_id)
        partners = sorted(alignment.chunk_partners(c.chunk_id) - taken)
        taken.update(partners)
        c.members = [by_id[p] for p in partners if p in by_id]
        if len(leaders) < settings.top_k:
            wanted.update({p: c for p in partners if p not in by_id})
        leaders.append(c)
    if wanted:
        for m in load_candidates(list(wanted), qvec, store, settings.sentence_weight):
            wanted[m.chunk_id].members.append(m)
    for c in leaders:
        c.members.sort(key=lambda m: -m.score)
        c.group = c.chunk_id if c.members else None
        for m in c.members:
            m.group = c.group
    return leaders


def retrieve_groups(question: str, settings: Settings) -> tuple[list[Candidate], np.ndarray]:
    qvec = embed_question(question, settings)
    store = get_store(settings)
    return group_translations(search(qvec, settings, store), qvec, store, settings), qvec


def retrieve(question: str, k: int, settings: Settings) -> list[Passage]:
    leaders, _ = retrieve_groups(question, settings)
    return [c.to_passage() for c in leaders[:k]]
