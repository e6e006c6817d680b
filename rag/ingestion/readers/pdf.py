"""PDF: the text layer read by pypdfium2 in a subprocess under a time and memory limit (extra ``pdf``).

pypdfium2 was measured against pypdf and pdfminer.six on the seeds printed by Chromium (NOTES.md):
the same on German and Greek, far ahead on Hindi. A page without a text layer is OCR'd when
Tesseract is installed (``ocr``); otherwise the file is skipped with a message saying how.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from typing import Any

from rag.ingestion.readers import ocr
from rag.ingestion.readers.base import Limits, ReaderError, Reading, needs_extra
from rag.ingestion.readers.layout import text_of_record

logger = logging.getLogger(__name__)

WORKER = [sys.executable, "-m", "rag.ingestion.readers.pdf_worker"]


def _limit_memory(mb: int) -> Any:
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (mb * 1024 * 1024, mb * 1024 * 1024))

    return apply


def _reason(error: str) -> str:
    low = error.lower()
    if "password" in low:
        return "encrypted (password-protected): save an unprotected copy to index it"
    if "format" in low or "file" in low:
        return f"not a readable PDF (truncated or damaged: {error})"
    return f"the PDF parser failed: {error}"


def parse_pages(data: bytes, doc_id: str, limits: Limits) -> list[dict[str, Any]]:
    """The lines of each page, from the worker subprocess."""
    try:
        done = subprocess.run(
            WORKER,
            input=data,
            capture_output=True,
            timeout=limits.seconds,
            preexec_fn=_limit_memory(limits.memory_mb),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ReaderError(
            f"{doc_id}: the PDF parser took over {limits.seconds:g} s and was stopped (RAG_READER_SECONDS)"
        ) from exc
    try:
        result = json.loads(done.stdout or b"{}")
    except ValueError:
        result = {}
    if "error" in result:
        raise ReaderError(f"{doc_id}: {_reason(str(result['error']))}")
    if done.returncode != 0 or "pages" not in result:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        why = "out of memory" if "MemoryError" in tail[0] else f"exit {done.returncode} {tail[0]}".strip()
        raise ReaderError(f"{doc_id}: the PDF parser failed ({why})")
    return list(result["pages"])


class PdfReader:
    name = "pdf"
    version = 1
    suffixes: tuple[str, ...] = (".pdf",)
    extra: str | None = "pdf"

    def unavailable(self) -> str | None:
        return needs_extra(self, "pypdfium2")

    def read(self, data: bytes, doc_id: str, limits: Limits) -> Reading:
        if not data.lstrip()[:5].startswith(b"%PDF-"):
            raise ReaderError(f"{doc_id}: not a PDF (no %PDF- header): rename it if it is text")
        pages = parse_pages(data, doc_id, limits)
        if any(p["lines"] for p in pages):
            blank = sum(not p["lines"] for p in pages)
            if blank:
                logger.warning("%s: %d of %d pages have no text layer (not OCR'd)", doc_id, blank, len(pages))
            return text_of_record(pages)
        # no text layer: a scan
        missing = ocr.unavailable()
        if missing:
            raise ReaderError(f"{doc_id}: {len(pages)} page(s) without a text layer (a scan?); {missing}")
        logger.info("%s: no text layer, running OCR on %d page(s)", doc_id, len(pages))
        return text_of_record(ocr.ocr_pages(data, doc_id, limits), ocr=True)
