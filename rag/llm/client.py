"""The optional chat model: any OpenAI-compatible server, through llama-index's ``OpenAILike``.

Retries are ours, not the client's: llama-index wraps its calls in a retry decorator of its own
(waits up to 20 s, up to 60 s in all) on top of the openai client's retries. With both off and one
loop here, a hung server costs at most ``(retries + 1) * timeout`` plus short back-offs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from rag.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Seconds to wait before retry n (1-based): short, because a user is waiting.
BACKOFF = (0.5, 1.5, 3.0)


class LLMError(RuntimeError):
    """The model could not give a usable answer; ``cause`` says why, in a few words."""

    def __init__(self, cause: str, retriable: bool = False) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retriable = retriable


def configured(settings: Settings) -> bool:
    return bool(settings.llm_model)


_LLMS: dict[tuple[Any, ...], Any] = {}
_LOCK = threading.Lock()
# Distinct configurations kept at once (per-call API keys would otherwise grow the cache without end).
_MAX_CLIENTS = 32


def _client_args(settings: Settings) -> dict[str, Any]:
    """Every argument the client is built with: the cache key is all of them, so no override is lost."""
    return {
        "model": settings.llm_model or "",
        "api_base": settings.llm_base_url or "https://api.openai.com/v1",
        "api_key": settings.llm_api_key.get_secret_value() if settings.llm_api_key else "unused",
        "context_window": settings.llm_context_window,
        "max_tokens": settings.llm_max_tokens,
        "temperature": settings.llm_temperature,
        "timeout": settings.llm_timeout,
    }


def get_llm(settings: Settings) -> Any:
    """One client per distinct configuration (endpoint, model, key, limits), per process."""
    from llama_index.llms.openai_like import OpenAILike

    args = _client_args(settings)
    key = tuple(sorted(args.items()))
    with _LOCK:
        if key not in _LLMS:
            if len(_LLMS) >= _MAX_CLIENTS:
                del _LLMS[next(iter(_LLMS))]
            _LLMS[key] = OpenAILike(**args, is_chat_model=True, max_retries=0)
        return _LLMS[key]


def classify(exc: BaseException) -> LLMError:
    """A short cause for the log and the user, and whether trying again may help."""
    import openai

    if isinstance(exc, LLMError):
        return exc
    if isinstance(exc, openai.APITimeoutError):
        return LLMError("timed out", retriable=True)
    if isinstance(exc, openai.APIConnectionError):
        return LLMError(f"cannot connect ({exc.__cause__ or exc})", retriable=True)
    if isinstance(exc, openai.RateLimitError):
        return LLMError("rate limited (429)", retriable=True)
    if isinstance(exc, openai.InternalServerError):
        return LLMError(f"server error ({exc.status_code})", retriable=True)
    if isinstance(exc, openai.APIStatusError):
        return LLMError(f"refused the request ({exc.status_code}: {str(exc)[:120]})")
    return LLMError(f"{type(exc).__name__}: {str(exc)[:160]}")


def with_retries(call: Callable[[], T], settings: Settings) -> T:
    """``call()``, tried again on timeouts, refused connections, 429 and 5xx."""
    attempts = settings.llm_retries + 1
    for n in range(attempts):
        try:
            return call()
        except Exception as exc:
            err = classify(exc)
            if not err.retriable or n + 1 == attempts:
                raise err from exc
            wait = BACKOFF[min(n, len(BACKOFF) - 1)]
            logger.info("LLM %s; retrying in %.1fs (%d/%d)", err.cause, wait, n + 1, settings.llm_retries)
            time.sleep(wait)
    raise AssertionError("unreachable")


def _messages(messages: list[dict[str, str]]) -> list[Any]:
    from llama_index.core.base.llms.types import ChatMessage

    return [ChatMessage(role=m["role"], content=m["content"]) for m in messages]


def chat(messages: list[dict[str, str]], settings: Settings) -> str:
    """The model's reply (whole). Raises LLMError."""
    llm = get_llm(settings)
    reply = with_retries(lambda: llm.chat(_messages(messages)), settings)
    text = reply.message.content
    if not isinstance(text, str) or not text.strip():
        raise LLMError("empty answer")
    return text


def stream_chat(messages: list[dict[str, str]], settings: Settings) -> Iterator[str]:
    """Text deltas as the model writes them. Raises LLMError (before or during the stream)."""
    llm = get_llm(settings)

    def start() -> Iterator[Any]:
        gen = llm.stream_chat(_messages(messages))
        try:
            first = next(gen)  # connection errors and status codes surface here: still retriable
        except StopIteration as exc:
            raise LLMError("empty answer") from exc
        return _chain(first, gen)

    gen = with_retries(start, settings)
    got_text = False
    try:
        for part in gen:
            delta = part.delta or ""
            if delta:
                got_text = True
                yield delta
    except Exception as exc:
        raise classify(exc) from exc
    if not got_text:
        raise LLMError("empty answer")


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest
