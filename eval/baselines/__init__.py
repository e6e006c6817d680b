"""Baselines with the product's interface, so that the runner and the XQuAD harness drive them alike.

Each module exposes ``ingest()``, ``retrieve(question, k)`` and ``ask(question, history=None)`` (acting
on one instance per process, built from ``RAG_DOCS_DIR``), and a class for callers that want their own:

- ``eval.baselines.bm25``: BM25 over the documents' lines, the best sentence of the top line.
- ``eval.baselines.vector``: a plain llama-index ``VectorStoreIndex`` with default chunking and the
  product's embedder, the top node's best sentence by cosine.

They return the product's own ``Passage`` and ``Answer`` types, so the scorer reads them the same way.
They borrow nothing of the product's retrieval (cleaning, chunking, headers, language centring,
translation grouping, grounding): only the file listing and the language label of a citation.
"""
