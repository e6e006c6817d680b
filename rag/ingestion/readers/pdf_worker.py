"""Run as ``python -m rag.ingestion.readers.pdf_worker``: PDF bytes on stdin, its lines as JSON on stdout.

The PDF reader runs this in a subprocess under a time and memory limit, so that a parser that hangs,
crashes or swells on a hostile file costs one file, not the ingest. Each page is a list of lines
``[text, left, bottom, right, top]`` (PDF points, y upwards) with the page's height.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def page_lines(page: Any) -> dict[str, Any]:
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        lines: list[list[Any]] = []
        chars: list[str] = []
        box: list[float] = []  # left, bottom, right, top of the line so far

        def flush() -> None:
            text = "".join(chars).strip()
            if text:
                lines.append([text, *box])
            chars.clear()
            box.clear()

        space = False
        for i in range(textpage.count_chars()):
            ch = chr(raw.FPDFText_GetUnicode(textpage, i))
            if ch in "\r\n":
                if ch == "\n":
                    flush()
                continue
            if ch.isspace():
                space = True
                continue
            left, bottom, right, top = textpage.get_charbox(i)
            # a glyph drawn inside what the line already covers repeats its cluster's text: Chromium
            # maps each glyph of a Devanagari cluster to the whole cluster ("खुलखु" for "खुल")
            if box and right < box[2] - 1.0:
                continue
            if space and chars:
                # pdfium adds a space where glyphs leave a gap; not where a cluster only changed glyph
                size = raw.FPDFText_GetFontSize(textpage, i) or 10.0
                if left - box[2] > 0.12 * size:
                    chars.append(" ")
            space = False
            chars.append("-" if ch == "\x02" else ch)
            if not box:
                box.extend([left, bottom, right, top])
            else:
                box[0], box[1] = min(box[0], left), min(box[1], bottom)
                box[2], box[3] = max(box[2], right), max(box[3], top)
            if ch == "\x02":  # pdfium's hyphen at a line end, with no line break after it
                flush()
        flush()
        return {"height": page.get_height(), "width": page.get_width(), "lines": lines}
    finally:
        textpage.close()


def main() -> int:
    import pypdfium2 as pdfium

    data = sys.stdin.buffer.read()
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        print(json.dumps({"error": str(exc)}))
        return 3
    out = sys.stdout
    out.write('{"pages": [')
    for i in range(len(doc)):
        page = doc[i]
        try:
            out.write(("," if i else "") + json.dumps(page_lines(page), ensure_ascii=False))
        finally:
            page.close()
        print(i + 1, file=sys.stderr, flush=True)  # progress: pages done
    out.write("]}")
    doc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
