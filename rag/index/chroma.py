"""The Chroma side of the index: the client (embedded or a server), an index's collections, and the
records and vectors read out of Chroma's answers. ``IndexError_`` says the index cannot be used.

Chroma is imported inside the functions: importing ``rag`` does no I/O and stays light.

May import: chromadb, numpy, ``rag.index.records``, ``rag.settings``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.index.records import KINDS, Record
from rag.settings import Settings

logger = logging.getLogger(__name__)

SEP = "__"  # between the index's prefix, the kind and the language in a collection name


class IndexError_(RuntimeError):
    """The index cannot be used (missing, locked, corrupt); the message says what to do."""


def client(settings: Settings, local_dir: Path | None) -> Any:
    """A Chroma client: the server of ``settings.chroma_host``, or the embedded one in ``local_dir``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if local_dir is None:
        host, port = str(settings.chroma_host), settings.chroma_port
        return chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
    return chromadb.PersistentClient(path=str(local_dir / "chroma"), settings=chroma_settings)


def set_aside(local_dir: Path, exc: Exception) -> None:
    """Move a corrupt or version-mismatched embedded index aside (nothing is deleted) and make Chroma
    forget its client, so that one can start afresh in the same folder."""
    broken = local_dir / f"chroma.broken-{time.strftime('%Y%m%d-%H%M%S')}"
    (local_dir / "chroma").rename(broken)
    logger.warning(
        "the index in %s could not be opened (%s); moved it to %s and rebuilding", local_dir, exc, broken.name
    )
    # Chroma keeps one client per path in the process: forget the broken one
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def list_collections(client: Any, prefix: str) -> dict[tuple[str, str], Any]:
    """The collections ``<prefix>__<kind>__<language>``, by (kind, language), as the database has them."""
    found: dict[tuple[str, str], Any] = {}
    start, page, offset = prefix + SEP, 1000, 0
    while True:
        batch = client.list_collections(limit=page, offset=offset)
        for col in batch:
            if col.name.startswith(start):
                kind, _, lang = col.name[len(start) :].partition(SEP)
                if kind in KINDS and lang:
                    found[(kind, lang)] = col
        if len(batch) < page:
            return found
        offset += page


def records_of(got: Any) -> dict[str, Record]:
    """The records of a Chroma ``get`` with metadatas, documents and embeddings, by id."""
    embs = vectors_of(got)
    metas, docs = got["metadatas"] or [], got["documents"] or []
    return {i: Record(docs[n] or "", dict(metas[n] or {}), frozen(embs[n])) for n, i in enumerate(got["ids"])}


def frozen(vector: Any) -> np.ndarray:
    """A float32 copy that cannot be changed in place (cached records are shared between questions)."""
    out = np.array(vector, dtype=np.float32)
    out.flags.writeable = False
    return out


def vectors_of(got: Any) -> Any:
    """The embeddings of a Chroma ``get``; their absence means an index we cannot trust."""
    embs = got["embeddings"]
    if embs is None:
        raise IndexError_("the index returned no vectors: delete the index folder and run ingest again")
    return embs
