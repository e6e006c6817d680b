"""python -m eval.coverage: which fact-bearing lines of the documents no gold item asks about.

A line (the product's and the gold set's unit of support) is fact-bearing unless it is short once
links and image markup are taken out (headings, captions of empty images, "Kommentar (0)", the
source line), or it is nothing but a question (the interviewer's questions state nothing).

Translations of one article are recognised by citing the same source URL and having the same
number of lines; their lines are aligned by position, and a paragraph counts as covered when any
translation's line of it is supported. Exits 1 when a paragraph is left uncovered.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from eval.gold import GOLD_FILE, GoldItem, load_gold, passage_span

MIN_CHARS = 60
_URL = re.compile(r"(?:https?|ftp)://\S+", re.IGNORECASE)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?।])\s+")


@dataclass(frozen=True)
class Paragraph:
    """One line position of a group of parallel documents (a single document is a group of one)."""

    docs: tuple[str, ...]
    line: int  # 0-based


def is_fact_line(line: str) -> bool:
    text = _IMAGE.sub("", _URL.sub("", line)).strip(" \t|-–")
    if len(text) < MIN_CHARS:
        return False
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    return not all(s.rstrip().endswith("?") for s in sentences)


def parallel_groups(texts: dict[str, str]) -> list[tuple[str, ...]]:
    """Documents that cite the same source URLs and have as many lines: translations of one text."""
    by_key: dict[tuple[tuple[str, ...], int], list[str]] = defaultdict(list)
    for doc, text in sorted(texts.items()):
        urls = tuple(sorted(set(_URL.findall(text))))
        # a document without a source cannot be matched to anything: its own group
        key = (urls, text.count("\n")) if urls else ((doc,), -1)
        by_key[key].append(doc)
    return [tuple(docs) for docs in by_key.values()]


def supported_lines(items: list[GoldItem], texts: dict[str, str]) -> dict[tuple[str, int], list[str]]:
    """(doc, 0-based line) -> ids of the items whose support anchors fall in that line."""
    hits: dict[tuple[str, int], list[str]] = defaultdict(list)
    for item in items:
        for sup in item.support:
            start, _ = passage_span(texts[sup.doc], sup.anchor)
            hits[(sup.doc, texts[sup.doc].count("\n", 0, start))].append(item.id)
    return hits


def paragraphs(texts: dict[str, str]) -> list[Paragraph]:
    """Every fact-bearing line position; in a group it counts when any of its documents has one."""
    found = []
    for docs in parallel_groups(texts):
        lines = [texts[d].split("\n") for d in docs]
        for n in range(max(len(x) for x in lines)):
            if any(n < len(x) and is_fact_line(x[n]) for x in lines):
                found.append(Paragraph(docs, n))
    return found


def report(items: list[GoldItem], texts: dict[str, str]) -> list[Paragraph]:
    """Print one row per paragraph; return the uncovered ones."""
    hits = supported_lines(items, texts)
    uncovered = []
    for par in paragraphs(texts):
        cited = [d for d in par.docs if (d, par.line) in hits]
        ids = sorted({i for d in cited for i in hits[(d, par.line)]})
        first = texts[par.docs[0]].split("\n")[par.line]
        where = f"{par.docs[0][:3]}{'+' + str(len(par.docs) - 1) if len(par.docs) > 1 else ''}"
        status = f"{len(ids):2d} items, {len(cited)}/{len(par.docs)} docs" if ids else "UNCOVERED"
        print(f"{where:>6} line {par.line + 1:2d}  {status:22}  {first[:70]}")
        if not ids:
            uncovered.append(par)
    return uncovered


def main(argv: list[str] | None = None) -> int:
    from rag.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m eval.coverage", description=__doc__)
    parser.add_argument("--gold", type=Path, default=GOLD_FILE)
    parser.add_argument("--docs", type=Path, help="documents folder (default: the configured one)")
    args = parser.parse_args(argv)
    docs_dir = args.docs or Path(get_settings().docs_dir)
    items, _ = load_gold(args.gold, docs_dir)
    # every document of the folder, not only the cited ones: an unasked document is uncovered too
    texts = {
        p.name: p.read_bytes().decode("utf-8")
        for p in sorted(docs_dir.iterdir())
        if p.is_file() and not p.name.startswith(".")
    }
    uncovered = report(items, texts)
    print(f"\n{len(uncovered)} uncovered paragraph(s)")
    for par in uncovered:
        print(f"- {', '.join(par.docs)} line {par.line + 1}: {texts[par.docs[0]].split(chr(10))[par.line]}")
    return 1 if uncovered else 0


if __name__ == "__main__":
    sys.exit(main())
