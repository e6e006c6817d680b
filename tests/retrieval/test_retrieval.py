"""Candidate search: chunks near the question, and the chunks of the sentences near it."""

from __future__ import annotations

import rag
from rag.index.store import get_store
from rag.retrieval.query import analyse
from rag.retrieval.search import search
from rag.settings import Settings

QUESTION = "Zebra quartz harbour lantern?"
FILLER = [
    "Copper kettles whistle loudly every single morning in the old kitchen.",
    "Seven violet umbrellas drifted slowly across the frozen pond yesterday.",
    "Marble staircases echo with footsteps of tired travelling musicians.",
    "Orange tractors plough muddy fields beside quiet northern villages.",
    "Silver foxes sleep beneath pine branches during the long winter nights.",
]


def _write(docs) -> None:
    decoys = [
        f"Zebra quartz harbour {w} and {v} stand together near the market square."
        for w, v in zip(
            [
                "meadow",
                "river",
                "stone",
                "field",
                "cloud",
                "tower",
                "garden",
                "bridge",
                "forest",
                "valley",
                "castle",
                "island",
            ],
            [
                "apples",
                "boats",
                "chairs",
                "doors",
                "eagles",
                "flags",
                "gates",
                "hills",
                "inks",
                "jars",
                "keys",
                "lamps",
            ],
            strict=True,
        )
    ]
    # the answer: one sentence in a long paragraph of other things, so the chunk as a whole is far
    target = " ".join(["Zebra quartz harbour lantern.", *FILLER])
    (docs / "long.txt").write_text("\n\n".join([*decoys, target]) + "\n", encoding="utf-8")


def _found(settings: Settings) -> set[int]:
    cands = search(analyse(QUESTION, settings).vector, settings, get_store(settings))
    return {c.start for c in cands}


def test_the_chunk_of_a_near_sentence_joins_the_candidates_though_the_chunk_is_far(docs, hash_settings):
    _write(docs)
    text = (docs / "long.txt").read_text(encoding="utf-8")
    target = text.index("Zebra quartz harbour lantern.")
    narrow = hash_settings.model_copy(update={"candidates": 8, "top_k": 1, "sentence_candidates": 0})
    rag.ingest(settings=narrow, progress=False)
    assert target not in _found(narrow)  # twelve closer chunks fill the eight places
    wide = narrow.model_copy(update={"sentence_candidates": 3})
    cands = search(analyse(QUESTION, wide).vector, wide, get_store(wide))
    assert target in {c.start for c in cands}
    # ... and, scored with its sentence, it leads: the sentence is the question's words exactly
    assert cands[0].start == target
    assert len(cands) <= wide.candidates


def test_sentence_candidates_and_weight_defaults():
    s = Settings()
    assert s.sentence_candidates > 0
    assert s.sentence_weight == 1.0
