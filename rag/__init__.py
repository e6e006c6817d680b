"""Multilingual, citation-grounded question answering over a folder of documents.

    import rag
    a = rag.ask("What did Hanoi sign with St Petersburg?")
    a.text, a.answered, a.citations

Importing this package does no I/O and loads no model: everything heavy happens on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.settings import Settings, get_settings
from rag.types import (
    Answer,
    Citation,
    CitationsEvent,
    Disagreement,
    DocumentInfo,
    Done,
    IngestReport,
    Passage,
    StreamEvent,
    TextDelta,
)

if TYPE_CHECKING:
    from rag.api import add_documents, ask, document_text, documents, ingest, retrieve, stream

__all__ = [
    "Answer",
    "Citation",
    "CitationsEvent",
    "Disagreement",
    "DocumentInfo",
    "Done",
    "IngestReport",
    "Passage",
    "Settings",
    "StreamEvent",
    "TextDelta",
    "add_documents",
    "ask",
    "document_text",
    "documents",
    "get_settings",
    "ingest",
    "retrieve",
    "stream",
]

_LAZY = {"add_documents", "ask", "document_text", "documents", "ingest", "retrieve", "stream"}


def __getattr__(name: str) -> Any:
    # rag.api pulls in llama-index and chromadb (seconds); only pay for it when a function is used
    if name in _LAZY:
        from rag import api

        return getattr(api, name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
