"""The query stage's search: cross-lingual retrieval with the language bias taken out, the
translations of a passage grouped together. It may import ``rag.translations``, ``rag.ingestion``,
``rag.index``, ``rag.text``, ``rag.settings`` and ``rag.types``.
"""
