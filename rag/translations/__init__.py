"""Translations, found at ingest: which documents translate each other and which of their sentences
say the same thing (align: the algorithm; groups: the sidecar model, typed), and where the versions of
one sentence differ in a date, a number, an amount, a code (facts, compare), a name or a place (places,
compass), or in meaning by a chat model given as a function (model); the note that says so in the
answer's language (notes); the stage the ingest runs as a hook (refresh). It may import
``rag.ingestion``, ``rag.index``, ``rag.text``, ``rag.settings`` and ``rag.types``.
"""
