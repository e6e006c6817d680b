"""OCR of scanned PDF pages with the Tesseract CLI; pages rasterised with pdftoppm (poppler-utils)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from rag.ingestion.readers.base import Limits, ReaderError

HOW = (
    "install Tesseract and poppler to OCR it (Debian: apt-get install tesseract-ocr poppler-utils "
    "tesseract-ocr-deu tesseract-ocr-ell ...), languages from RAG_OCR_LANGS or all installed"
)


def unavailable() -> str | None:
    missing = [tool for tool in ("tesseract", "pdftoppm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not found: {HOW}" if missing else None


def installed_languages() -> list[str]:
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False).stdout
    return [ln.strip() for ln in out.splitlines()[1:] if ln.strip() and ln.strip() != "osd"]


def languages(wanted: str | None) -> str:
    langs = [x for x in (wanted or os.environ.get("RAG_OCR_LANGS") or "").replace(",", "+").split("+") if x]
    return "+".join(langs or installed_languages() or ["eng"])


def _tsv_lines(tsv: str, scale: float) -> tuple[list[list[Any]], float]:
    """Tesseract's TSV words grouped into lines ``[text, left, bottom, right, top]`` in points, y up."""
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    height = 0.0
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12:
            continue
        if cols[0] == "1":
            height = float(cols[9])
        if cols[0] != "5" or not cols[11].strip():
            continue
        left, top, w, h = (float(c) for c in cols[6:10])
        groups.setdefault(tuple(cols[1:5]), []).append([cols[11].strip(), left, top, left + w, top + h])
    lines = []
    for words in groups.values():
        text = " ".join(w[0] for w in words)
        left, top = min(w[1] for w in words), min(w[2] for w in words)
        right, bottom = max(w[3] for w in words), max(w[4] for w in words)
        lines.append([text, left * scale, (height - bottom) * scale, right * scale, (height - top) * scale])
    return lines, height * scale


def ocr_pages(data: bytes, doc_id: str, limits: Limits, dpi: int = 200) -> list[dict[str, Any]]:
    """Each page rasterised and read by Tesseract, as the lines ``layout.text_of_record`` takes."""
    langs = languages(limits.ocr_langs)
    scale = 72.0 / dpi
    with tempfile.TemporaryDirectory(prefix="rag-ocr-") as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(data)
        try:
            subprocess.run(
                ["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(Path(tmp) / "p")],
                check=True,
                capture_output=True,
                timeout=limits.seconds,
            )
            pages = []
            for png in sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
                tsv = subprocess.run(
                    ["tesseract", str(png), "-", "-l", langs, "tsv"],
                    check=True,
                    capture_output=True,
                    text=True,
                    timeout=limits.seconds,
                ).stdout
                lines, height = _tsv_lines(tsv, scale)
                pages.append({"height": height, "lines": lines})
        except subprocess.TimeoutExpired as exc:
            raise ReaderError(f"{doc_id}: OCR took over {limits.seconds:g} s and was stopped") from exc
        except subprocess.CalledProcessError as exc:
            err = (exc.stderr or b"")[-200:]
            raise ReaderError(f"{doc_id}: OCR failed: {err!r}") from exc
    return pages
