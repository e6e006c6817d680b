"""What the index stores: records (chunks and sentences), their ids, a document's sentences.

The one record-id codec: ingest builds ids with ``record_id``, the store reads a record's collection
out of its id with ``record_location``, retrieval derives a chunk's sentence ids with ``sentence_id``.

May import: numpy, ``rag.settings``/``rag.types``. Nothing else of ``rag``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

CHUNK = "chunk"
SENTENCE = "sentence"
KINDS = (CHUNK, SENTENCE)
_SEP = "-"  # between the parts of a record id


def language_key(language: str) -> str:
    """The language code as stored (metadata, record id, collection name): py3langid's short ISO code.

    Anything else (never produced by documents.detect_language) becomes ``und``: a collection name
    and a record id must not carry arbitrary text.
    """
    return language if re.fullmatch(r"[a-z]{2,8}", language) else "und"


def record_id(doc_id: str, sha256: str, language: str, kind: str, start: int, end: int) -> str:
    """Stable id of a chunk or sentence: the same text at the same place gets the same id.

    ``<owner>-<sha>-<language>-<c|s><start>-<end>``: the language and kind say which collection holds
    the record (``record_location``), so a read by id needs no lookup.
    """
    owner = hashlib.sha1(doc_id.encode()).hexdigest()[:10]
    return _SEP.join((owner, sha256[:10], language_key(language), f"{kind[0]}{start}", str(end)))


def record_location(record_id: str) -> tuple[str, str]:
    """(kind, language) of a record, read from its id ``<owner>-<sha>-<lang>-<c|s><start>-<end>``."""
    parts = record_id.split(_SEP)
    if len(parts) != 5 or parts[3][:1] not in ("c", "s"):
        raise KeyError(f"not a record id of this index: {record_id!r}")
    return (CHUNK if parts[3][0] == "c" else SENTENCE), parts[2]


def sentence_id(chunk_id: str, start: int, end: int) -> str:
    """The id of a chunk's sentence ``start:end``: same owner, version and language as the chunk."""
    return f"{chunk_id.rsplit(_SEP, 2)[0]}{_SEP}s{start}{_SEP}{end}"


@dataclass(frozen=True)
class Record:
    """One stored chunk or sentence: its text, its scalar metadata and its vector."""

    text: str
    metadata: dict[str, Any]
    vector: np.ndarray


@dataclass(frozen=True)
class NewRecord:
    """A record to write: id, text, scalar metadata (``kind`` and ``language`` say where), vector."""

    id: str
    text: str
    metadata: dict[str, Any]
    vector: np.ndarray | None = None  # set once embedded (``with_vector``)

    @property
    def location(self) -> tuple[str, str]:
        """(kind, language): the collection the record goes to."""
        return str(self.metadata["kind"]), str(self.metadata["language"])

    def with_vector(self, vector: np.ndarray) -> NewRecord:
        return replace(self, vector=vector)


@dataclass
class DocSentences:
    """A document's sentences as the index holds them, in text order."""

    doc_id: str
    sha: str
    language: str
    spans: list[tuple[int, int]]
    chunks: list[str]  # the chunk id each sentence belongs to
    vecs: np.ndarray
    texts: list[str] = field(default_factory=list)
