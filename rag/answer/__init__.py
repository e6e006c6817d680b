"""The offline answer: whether the evidence speaks about what the question names (grounding), the
verbatim sentences that answer it (extractive), and verified citations with the aligned sentence of every
translation (cite). It may import ``rag.retrieval`` and every layer below it, ``rag.settings`` and
``rag.types``; never ``rag.llm``.
"""
