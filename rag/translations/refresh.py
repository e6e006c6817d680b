"""The translations stage of an ingest: align the documents again where they changed, then find where
the versions of each aligned sentence differ, and store both in the alignment sidecar.

The ingest stage runs it inside its writer lock, after the writes (rag/ingestion/pipeline.py takes it
as a hook; rag/api.py binds the chat model to it, so that neither ingestion nor this package imports
rag.llm).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from rag.index.store import Store
from rag.translations import align
from rag.translations.compare import FINDINGS_VERSION, find_differences
from rag.translations.groups import pairs_of
from rag.translations.model import Chat, llm_findings
from rag.translations.sidecar import alignment as stored_alignment
from rag.translations.sidecar import save_alignment

logger = logging.getLogger(__name__)


def refresh(
    store: Store,
    docs: dict[str, dict[str, Any]],
    changed: bool,
    *,
    chat: Chat | None = None,
    model: str | None = None,
    unavailable: tuple[type[BaseException], ...] = (),
) -> tuple[int, list[list[str]]]:
    """Align the translations among ``docs`` (the indexed documents) again where they changed, then
    compare the versions of each sentence group: offline, and with ``chat`` (the chat model
    ``model``; ``unavailable``: what it raises when the model cannot be reached) when given.

    Nothing is redone when no document changed and the findings were made by these comparisons and
    this model. Returns the number of pairs aligned anew and the pairs found to be translations.
    """
    previous = stored_alignment(store)
    current = {d: v["sha256"] for d, v in docs.items()}
    aligned = {d: info.get("sha") for d, info in previous.sentences.items()}
    compared = chat is None or previous.llm_model == model
    checked = previous.findings_version == FINDINGS_VERSION
    if not changed and aligned == current and compared and checked:
        return 0, [list(p) for p in pairs_of(previous)]
    t0 = time.perf_counter()
    alignment, fresh = align.update(previous, store.sentences())
    alignment.llm_cache = previous.llm_cache  # keyed by text: still valid
    findings = find_differences(alignment)
    alignment.findings_version = FINDINGS_VERSION
    if chat is not None:
        alignment.llm_model = model
        # meaning-level differences ("Nordchina" for "the North region") need the model
        for gid, found in llm_findings(alignment, chat, model, unavailable).items():
            findings.setdefault(gid, []).extend(found)
    alignment.differences = findings
    save_alignment(store, alignment)
    pairs = pairs_of(alignment)
    logger.info(
        "aligned %d document pairs anew in %.2fs; %d pairs are translations",
        fresh,
        time.perf_counter() - t0,
        len(pairs),
    )
    return fresh, [list(p) for p in pairs]
