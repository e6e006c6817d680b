"""Translations grouped: each fact once, its versions in other languages riding along.

Which chunks translate each other was found at ingest (``rag.translations.align``): here it is only
looked up. The groups are new Candidate objects; the search's are not changed.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from rag.index.store import Store
from rag.retrieval.candidates import Candidate
from rag.retrieval.search import load_candidates
from rag.settings import Settings
from rag.translations.align import Alignment


def group_translations(
    cands: list[Candidate], qvec: np.ndarray, store: Store, alignment: Alignment, settings: Settings
) -> list[Candidate]:
    """Leaders of groups: a chunk and the chunks of its translations (or close versions), best first.

    The top ``top_k`` leaders get all their translations, read from the index when the search did
    not bring them (a translation can rank low: the Hindi version of a fact asked in German).
    """
    by_id = {c.chunk_id: c for c in cands}
    taken: set[str] = set()
    leaders: list[Candidate] = []
    members: dict[str, list[Candidate]] = {}  # leader's chunk id -> its translations
    wanted: dict[str, str] = {}  # chunk id to read -> the leader it belongs to
    for c in cands:  # best first, so a leader is its group's best-scoring chunk
        if c.chunk_id in taken:
            continue
        taken.add(c.chunk_id)
        partners = sorted(alignment.chunk_partners(c.chunk_id) - taken)
        taken.update(partners)
        members[c.chunk_id] = [by_id[p] for p in partners if p in by_id]
        if len(leaders) < settings.top_k:
            wanted.update({p: c.chunk_id for p in partners if p not in by_id})
        leaders.append(c)
    if wanted:
        for m in load_candidates(list(wanted), qvec, store, settings):
            members[wanted[m.chunk_id]].append(m)
    out = []
    for c in leaders:
        mine = sorted(members[c.chunk_id], key=lambda m: -m.score)
        group = c.chunk_id if mine else None
        out.append(replace(c, group=group, members=tuple(replace(m, group=group) for m in mine)))
    return out
