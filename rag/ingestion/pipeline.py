"""Index the docs folder: load, clean, chunk, embed, store. Idempotent.

A document whose bytes did not change is skipped (sha256 kept on every record); a changed one has
its records replaced; a removed one has them deleted. Only one process writes at a time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rag.index import texts
from rag.index.embedders import get_embedder, save_index_marker
from rag.index.records import CHUNK, SENTENCE, NewRecord, language_key, record_id
from rag.index.store import Store, get_store
from rag.ingestion.chunking import Chunk, chunk_document
from rag.ingestion.documents import Document, DocumentError, list_folder, load_document
from rag.ingestion.sources import (
    chunk_locators,
    file_entry,
    reader_limits,
    skipped_entry,
    start_locator,
    still_indexed,
    text_record,
)
from rag.settings import Settings
from rag.types import IngestReport

logger = logging.getLogger(__name__)

# readers whose text of record is the file as read, whatever their version
VERBATIM_READERS = ("text", "markdown")


# run inside the writer lock after the writes, with the store, the indexed documents and whether any
# changed; returns the pairs aligned anew and the translation pairs (rag.translations.refresh)
Refresh = Callable[[Store, dict[str, dict[str, Any]], bool], tuple[int, list[list[str]]]]


class DocsFolderError(ValueError):
    """The docs folder is missing or holds nothing to index."""


def context_header(doc: Document, max_chars: int) -> str:
    """The document's subject for the embedded text: its first sentence, cut at a word boundary.

    A paragraph deep in an article often never names what it is about ("the city signed ..."); the
    header puts that back into its vector. It is embedded only, never quoted.
    """
    if max_chars <= 0 or not doc.segments:
        return ""
    s, e = doc.segments[0]
    first = " ".join(doc.text[s:e].split())
    if len(first) <= max_chars:
        return first
    cut = first[:max_chars].rsplit(" ", 1)[0]
    return cut


def build_records(
    doc: Document, chunks: list[Chunk], settings: Settings
) -> tuple[list[NewRecord], list[str]]:
    """The records to write (without vectors yet) and the texts to embed for them, in the same order."""
    # a one-chunk document needs no header: its subject is in the chunk, and adding it to every
    # sentence blurred them (XQuAD paragraphs)
    header = context_header(doc, settings.header_max_chars) if len(chunks) > 1 else ""
    records: list[NewRecord] = []
    texts: list[str] = []
    base = {
        "doc_id": doc.doc_id,
        "language": language_key(doc.language),
        "doc_sha": doc.sha256,
        "doc_chunks": len(chunks),
    }
    for ci, chunk in enumerate(chunks):
        chunk_id = record_id(doc.doc_id, doc.sha256, doc.language, CHUNK, chunk.start, chunk.end)
        sentences = [(sp.start, sp.end) for sp in chunk.sentences]
        where = chunk_locators(doc, chunk.start, chunk.end)
        records.append(
            NewRecord(
                id=chunk_id,
                text=doc.text[chunk.start : chunk.end],
                metadata={
                    **base,
                    "kind": CHUNK,
                    "start": chunk.start,
                    "end": chunk.end,
                    "position": ci,
                    "header": header,
                    "sentences": json.dumps(sentences),
                    **where,
                },
            )
        )
        body = " ".join(doc.text[s:e] for s, e in sentences)
        texts.append(body if chunk.start == doc.segments[0][0] or not header else f"{header}\n{body}")
        for s, e in sentences:
            records.append(
                NewRecord(
                    id=record_id(doc.doc_id, doc.sha256, doc.language, SENTENCE, s, e),
                    text=doc.text[s:e],
                    metadata={
                        **base,
                        "kind": SENTENCE,
                        "start": s,
                        "end": e,
                        "chunk": chunk_id,
                        **start_locator(doc, s),
                    },
                )
            )
            # the header goes into the sentence's vector too: "the city signed with St Petersburg"
            # must still match a question about Hanoi (measured on the seeds: 0.78 -> 0.84)
            is_header = s == doc.segments[0][0]
            texts.append(doc.text[s:e] if is_header or not header else f"{header}\n{doc.text[s:e]}")
    # sentences first, chunks last: writes go in order, so a document whose chunks are all stored
    # has all its sentences too (an ingest killed half-way is found and redone, see Store.documents)
    order = sorted(range(len(records)), key=lambda n: records[n].metadata["kind"] == CHUNK)
    return [records[n] for n in order], [texts[n] for n in order]


def scan_folder(settings: Settings) -> tuple[dict[str, Path], Path]:
    docs_dir = Path(settings.docs_dir).expanduser()
    if not docs_dir.is_dir():
        raise DocsFolderError(
            f"docs folder {docs_dir} does not exist: create it and put .txt/.md files in it, "
            "or point RAG_DOCS_DIR at your documents"
        )
    files = dict(list_folder(docs_dir))
    if not files:
        raise DocsFolderError(
            f"docs folder {docs_dir} has no files: add .txt, .md, .pdf, .docx or .html files, "
            "or point RAG_DOCS_DIR elsewhere"
        )
    return files, docs_dir


def ingest(
    settings: Settings, progress: bool = True, lock_wait: float = 600.0, refresh: Refresh | None = None
) -> IngestReport:
    """Index the docs folder; ``refresh`` (the translations stage) runs after the writes, in the lock."""
    t0 = time.perf_counter()
    files, docs_dir = scan_folder(settings)
    store = get_store(settings)
    report = IngestReport(docs_dir=str(docs_dir), collection=store.name)
    with store.acquire_writer(wait=lock_wait):
        store.finish_deletes()  # a delete that a killed ingest left half-done
        indexed = store.documents()
        changed = _write_changes(store, files, indexed, settings, report, progress)
        embedder = get_embedder(settings)
        report.embedder = embedder.describe()
        if embedder.dimension:
            save_index_marker(settings, embedder)
        # gone from the folder, or now unreadable: the index mirrors what can be read
        for doc_id in sorted(set(indexed) - (set(files) - set(report.skipped))):
            store.delete_document(doc_id)
            report.removed.append(doc_id)
            changed = True
        texts.forget(settings, report.removed)
        now = store.documents()
        key = documents_key(now)
        # also after an ingest that was killed before it saved them: the stats name the documents they cover
        if changed or store.saved_stats_key() != key:
            store.save_stats(store.compute_stats(key))
        if refresh is not None:
            report.realigned_pairs, report.translations = refresh(store, now, changed)
    report.chunks_total = sum(d["chunks"] for d in now.values())
    report.seconds = round(time.perf_counter() - t0, 3)
    if not report.chunks_total:
        raise DocsFolderError(
            f"nothing in {docs_dir} could be indexed: " + "; ".join(report.skipped.values())
        )
    logger.info(
        "ingest: %d added, %d updated, %d removed, %d unchanged, %d skipped in %.1fs",
        len(report.added),
        len(report.updated),
        len(report.removed),
        len(report.unchanged),
        len(report.skipped),
        report.seconds,
    )
    return report


def documents_key(docs: dict[str, dict[str, Any]]) -> str:
    """A short hash of which document versions are indexed."""
    blob = json.dumps(sorted((k, v["sha256"], v["chunks"]) for k, v in docs.items()))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _write_changes(
    store: Store,
    files: dict[str, Path],
    indexed: dict[str, dict[str, Any]],
    settings: Settings,
    report: IngestReport,
    progress: bool,
) -> bool:
    embedder = get_embedder(settings)
    changed = False
    from tqdm import tqdm  # here, not at the top: a process that only answers never needs it

    bar = tqdm(sorted(files.items()), desc="ingest", unit="doc", disable=not progress)
    limits = reader_limits(settings)
    for doc_id, path in bar:
        bar.set_postfix_str(doc_id[-30:])
        old = indexed.get(doc_id)
        if old and old["complete"] and still_indexed(doc_id, path, old["sha256"], settings):
            report.unchanged.append(doc_id)
            report.files.append(file_entry(doc_id, "unchanged", texts.load(settings, doc_id)))
            continue
        try:
            doc = load_document(path, doc_id, settings.max_file_bytes, limits)
        except (DocumentError, OSError) as exc:
            logger.warning("skipped %s", exc)
            report.skipped[doc_id] = str(exc)
            report.files.append(skipped_entry(doc_id, path, str(exc)))
            continue
        record = text_record(doc)
        text_key = texts.key(doc.sha256, doc.reader, doc.reader_version)
        if old and old["sha256"] == doc.sha256 and old["complete"] and doc.reader in VERBATIM_READERS:
            # the same bytes of a text file (its text of record is the file): only the kept text was missing,
            # e.g. an index made before texts were kept; another reader's new version may move offsets
            texts.save(settings, doc_id, text_key, record)
            report.unchanged.append(doc_id)
            report.files.append(file_entry(doc_id, "unchanged", record))
            continue
        chunks = chunk_document(doc, settings.chunk_max_chars, settings.chunk_min_chars)
        records, vec_texts = build_records(doc, chunks, settings)
        vectors = embedder.embed_passages(vec_texts)
        records = [r.with_vector(v) for r, v in zip(records, vectors, strict=True)]
        if old and old["sha256"] == doc.sha256:
            store.delete_document(doc_id)  # a half-written copy of this very version: nothing to keep
        # the text of record first: a record in the index always has its text to be cited from
        texts.save(settings, doc_id, text_key, record)
        # the new version goes in before the old one goes out: a write that fails (disk full) leaves
        # the previous version answering
        store.add(records)
        if old:
            store.delete_document(doc_id, keep_sha=doc.sha256)
            report.updated.append(doc_id)
        else:
            report.added.append(doc_id)
        report.files.append(file_entry(doc_id, "updated" if old else "added", record))
        report.chunks_written += len(chunks)
        changed = True
    return changed
