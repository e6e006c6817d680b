"""Translations, found at ingest: which documents translate each other and which of their sentences
say the same thing (align), and where the versions of one sentence differ in a date, a number, an amount,
a code, a name or a place (compare, places). It may import ``rag.ingestion``, ``rag.index``, ``rag.text``,
``rag.settings`` and ``rag.types``.
"""
