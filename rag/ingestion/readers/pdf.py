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
import threading
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


def _run_worker(data: bytes, doc_id: str, limits: Limits) -> tuple[int, bytes, str]:
    """Run the worker on ``data``: its exit code, stdout and the last line of its stderr. Pages done come
    on stderr, one number a line: a long file gets a progress bar (on a terminal)."""
    from tqdm import tqdm

    proc = subprocess.Popen(
        WORKER,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_limit_memory(limits.memory_mb),
    )
    out: list[bytes] = []
    last = [""]

    def read_out() -> None:
        assert proc.stdout is not None
        out.append(proc.stdout.read())

    def read_err() -> None:
        assert proc.stderr is not None
        bar = None
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace").strip()
            if not line.isdigit():
                last[0] = line or last[0]
                continue
            if bar is None and int(line) >= 20:  # a long file: show its pages
                bar = tqdm(desc=doc_id[-30:], unit="page", initial=int(line), leave=False, disable=None)
            elif bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()

    def write_in() -> None:
        assert proc.stdin is not None
        try:  # in a thread too: a worker that hangs before reading must not block us past the time limit
            proc.stdin.write(data)
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # the worker died early: its exit code and stderr say why

    pumps = [threading.Thread(target=f, daemon=True) for f in (write_in, read_out, read_err)]
    for t in pumps:
        t.start()
    try:
        code = proc.wait(timeout=limits.seconds)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        proc.wait()
        raise ReaderError(
            f"{doc_id}: the PDF parser took over {limits.seconds:g} s and was stopped (RAG_READER_SECONDS)"
        ) from exc
    for t in pumps:
        t.join()
    return code, b"".join(out), last[0]


def parse_pages(data: bytes, doc_id: str, limits: Limits) -> list[dict[str, Any]]:
    """The lines of each page, from the worker subprocess."""
    code, stdout, tail = _run_worker(data, doc_id, limits)
    try:
        result = json.loads(stdout or b"{}")
    except ValueError:
        result = {}
    if "error" in result:
        raise ReaderError(f"{doc_id}: {_reason(str(result['error']))}")
    if code != 0 or "pages" not in result:
        why = "out of memory" if "MemoryError" in tail else f"exit {code} {tail}".strip()
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
