"""Records are written straight to Chroma: what ingest built is what is stored, nothing more."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pytest

import rag
from rag.index.embedders import get_embedder
from rag.index.records import CHUNK, SENTENCE, NewRecord, record_id
from rag.index.store import get_store
from rag.ingestion.chunking import chunk_document
from rag.ingestion.documents import load_document
from rag.ingestion.pipeline import build_records

ROOT = Path(__file__).resolve().parents[2]
TEXT = (
    "The city of Hanoi signed an agreement with Saint Petersburg about trade and science.\n\n"
    "The agreement was signed in March and it covers the exchange of students and of researchers.\n"
)
CHUNK_KEYS = {"doc_id", "language", "doc_sha", "doc_chunks", "kind", "start", "end", "position", "header"}


def test_stored_metadata_is_ours_alone_with_the_file_name_as_doc_id(docs, hash_settings):
    # before: llama-index's ChromaVectorStore added _node_content (the node as JSON), _node_type,
    # document_id and ref_doc_id to every record, and wrote its ref_doc_id over our doc_id
    (docs / "en.txt").write_text(TEXT)
    rag.ingest(settings=hash_settings, progress=False)
    got = get_store(hash_settings).get_all(include=["metadatas", "documents"])
    assert got["ids"]
    for i, meta, text in zip(got["ids"], got["metadatas"], got["documents"], strict=True):
        assert meta["doc_id"] == "en.txt"
        assert "_node_content" not in meta
        if meta["kind"] == CHUNK:
            assert set(meta) == CHUNK_KEYS | {"sentences"}
        else:
            assert set(meta) == CHUNK_KEYS - {"position", "header"} | {"chunk"}
        assert text == TEXT[meta["start"] : meta["end"]]  # the text of record, verbatim
        assert i == record_id("en.txt", meta["doc_sha"], "en", meta["kind"], meta["start"], meta["end"])


def test_what_build_records_made_is_what_the_store_gives_back(docs, hash_settings):
    (docs / "en.txt").write_text(TEXT)
    doc = load_document(docs / "en.txt", "en.txt", hash_settings.max_file_bytes)
    chunks = chunk_document(doc, hash_settings.chunk_max_chars, hash_settings.chunk_min_chars)
    records, texts = build_records(doc, chunks, hash_settings)
    assert all(isinstance(r, NewRecord) and r.vector is None for r in records)
    kinds = [r.metadata["kind"] for r in records]
    assert kinds == sorted(kinds, key=lambda k: k == CHUNK)  # a document's sentences before its chunks
    vectors = get_embedder(hash_settings.embed_model).embed_passages(texts)
    store = get_store(hash_settings)
    store.add([r.with_vector(v) for r, v in zip(records, vectors, strict=True)])
    back = store.records([r.id for r in records])
    for r, v in zip(records, vectors, strict=True):
        assert back[r.id].text == r.text and back[r.id].metadata == r.metadata
        assert np.allclose(back[r.id].vector, v)
    chunk = next(r for r in records if r.metadata["kind"] == CHUNK)
    assert json.loads(chunk.metadata["sentences"]) == [[s.start, s.end] for s in chunks[0].sentences]
    n = len(chunks)
    assert store.documents() == {
        "en.txt": {"sha256": doc.sha256, "language": "en", "chunks": n, "expected": n, "complete": True}
    }


def test_a_record_without_its_vector_is_not_written(hash_settings):
    store = get_store(hash_settings)
    rec = NewRecord("x-y-en-s0-1", "a", {"kind": SENTENCE, "language": "en", "doc_id": "a.txt"})
    with pytest.raises(ValueError, match="no vector"):
        store.add([rec.with_vector(np.ones(256, np.float32)), rec])
    assert store.count() == 0  # nothing written, not even the record that had one


def test_the_index_imports_no_later_stage_and_never_llama_index():
    allowed = ("rag.index", "rag.text", "rag.settings", "rag.types")
    for path in sorted((ROOT / "rag" / "index").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                # embedders.py wraps an embedder for llama-index's users (the vector baseline), lazily
                assert not name.startswith("llama_index") or path.name == "embedders.py", (path.name, name)
                assert not name.startswith("rag") or name.startswith(allowed), (path.name, name)
