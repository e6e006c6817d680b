"""The index: Chroma collections of chunk and sentence records, and the files kept beside them.

``store`` (the Store: collections, queries, writes, deletes; ``get_store``), ``records`` (what a record
is, its one id codec, a document's sentences), ``scans`` (whole-index reads), ``cache`` (side-by-side
reads, records by id in memory), ``chroma`` (the client, recovery of a broken index, ``IndexError_``),
``sidecars`` (one atomic JSON writer, language stats, delete journal, writer lock), ``embedders``.

May import: ``rag.settings``, ``rag.types`` and the text helpers below it; never a later stage
(ingestion, translations, retrieval, answer, llm, api).
"""
