"""The index: the embedders (chosen by name in the settings) and the Chroma store, one collection per
(kind, language), with its sidecars and writer lock. It may import ``rag.text``, ``rag.settings`` and
``rag.types``; nothing above it (ingestion, translations, retrieval, answer, llm, api).
"""
