"""The index: the embedders (chosen by name in the settings) and the Chroma store, one collection per
(kind, language), with its sidecars and writer lock. It may import ``rag.text``, ``rag.settings`` and
``rag.types``; nothing above it (ingestion, translations, retrieval, answer, llm, api).

``store`` (the Store: collections, queries, writes, deletes; ``get_store``), ``records`` (what a record
is, its one id codec, a document's sentences), ``scans`` (whole-index reads), ``cache`` (side-by-side
reads, records by id in memory), ``chroma`` (the client, recovery of a broken index, ``IndexError_``),
``sidecars`` (one atomic JSON writer, language stats, delete journal, writer lock), ``embedders``.
"""
