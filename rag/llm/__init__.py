"""The optional chat model: an OpenAI-compatible client with our own retries, the prompts, answers
written from the retrieved passages and each sentence of them verified against the passages. It may
import ``rag.answer`` and every layer below it, ``rag.settings`` and ``rag.types``; only ``rag.api`` and
``rag.cli`` may import it.
"""
