"""HTML for the chat and the citation panel. Everything that came from a model or a document is escaped.

Model output and document text may carry HTML, scripts, markdown images pointing at remote servers,
or links: all of it is shown as text. The only markup in the page is the markup written here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

# Characters that markdown would act on; escaped so that "![x](http://...)" stays text.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|<>~-])")
_MARKER = re.compile(r"\\\[(\d+)\\\]")
_URL = re.compile(r"(?i)\b(https?|ftp|file|javascript|data):")


def inert(text: str) -> str:
    """``text`` as literal characters for a markdown-and-HTML renderer: no tags, no images, no links."""
    escaped = html.escape(text, quote=True)
    escaped = _URL.sub(lambda m: m.group(1) + "&#58;", escaped)  # no autolinks either
    return _MARKDOWN.sub(r"\\\1", escaped)


def answer_markdown(text: str, degraded: bool, answered: bool) -> str:
    """The chat bubble: the answer as text, its [n] markers as links to the citation cards."""
    body = _MARKER.sub(lambda m: f'<a href="#cite-{m.group(1)}">[{m.group(1)}]</a>', inert(text))
    badges = []
    if degraded:
        badges.append('<span class="badge warn">model unavailable, extractive answer</span>')
    if not answered:
        badges.append('<span class="badge muted">the documents do not say</span>')
    return (" ".join(badges) + "<br>" if badges else "") + body


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """The line of ``text`` around ``[start, end)``."""
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    return left, (right if right >= 0 else len(text))


def highlighted(text: str, start: int, end: int, lo: int = 0, hi: int | None = None) -> str:
    """``text[lo:hi]`` as HTML with ``[start, end)`` marked."""
    hi = len(text) if hi is None else hi
    return (
        html.escape(text[lo:start])
        + "<mark>"
        + html.escape(text[start:end])
        + "</mark>"
        + html.escape(text[end:hi])
    )


def citation_panel(answer: Any, doc_text: Callable[[str], str]) -> str:
    """One card per cited fact; the translations of the fact side by side, each quote in its paragraph."""
    if answer is None or not answer.citations:
        return '<div class="cites empty">No citations.</div>'
    groups: list[list[Any]] = []
    for c in answer.citations:
        if groups and c.group is not None and groups[-1][0].group == c.group:
            groups[-1].append(c)
        else:
            groups.append([c])
    disagreeing = {d.group for d in getattr(answer, "disagreements", [])}
    cards = []
    for n, group in enumerate(groups, start=1):
        cols = []
        for c in group:
            try:
                text = doc_text(c.doc_id)
                lo, hi = _paragraph(text, c.start, c.end)
                para = highlighted(text, c.start, c.end, lo, hi)
            except (OSError, ValueError):
                para = "<mark>" + html.escape(c.quote) + "</mark>"
            where = getattr(c, "locator", None)
            where_html = f'<span class="page">{html.escape(where)}</span> ' if where else ""
            cols.append(
                f'<div class="cite-col"><div class="cite-doc">{html.escape(c.doc_id)} {where_html}'
                f'<span class="lang">{html.escape(c.language)}</span> '
                f'<span class="span">{c.start}-{c.end}</span></div>'
                f'<div class="cite-para">{para}</div></div>'
            )
        badge = ""
        if group[0].group in disagreeing:
            notes = [d.note for d in answer.disagreements if d.group == group[0].group]
            title = html.escape(" ".join(notes))
            badge = f'<span class="badge warn" title="{title}">translations disagree</span>'
        label = "translations of one sentence" if len(group) > 1 else "source"
        cards.append(
            f'<div class="cite-card" id="cite-{n}"><div class="cite-head">[{n}] {label} {badge}</div>'
            f'<div class="cite-cols">{"".join(cols)}</div></div>'
        )
    return '<div class="cites">' + "".join(cards) + "</div>"


def document_view(text: str, start: int, end: int) -> str:
    return f'<div class="doc-view">{highlighted(text, start, end)}</div>'


CSS = """
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:0.8em; margin-right:6px; }
.badge.warn { background:#fde68a; color:#78350f; }
.badge.muted { background:#e5e7eb; color:#374151; }
.cite-card { border:1px solid #d1d5db; border-radius:8px; padding:8px; margin-bottom:10px; }
.cite-head { font-weight:600; margin-bottom:6px; }
.cite-cols { display:flex; gap:10px; flex-wrap:wrap; }
.cite-col { flex:1 1 220px; min-width:220px; }
.cite-doc { font-size:0.8em; color:#4b5563; margin-bottom:4px; }
.cite-para { font-size:0.9em; line-height:1.4; white-space:pre-wrap; }
.doc-view { white-space:pre-wrap; font-size:0.9em; line-height:1.45; max-height:480px; overflow:auto; }
mark { background:#fef08a; }
"""
