"""Sentences and chunks, as character offsets into the document's own text.

Offsets are the contract: every chunk and sentence is ``doc.text[start:end]``, so a citation can
always be checked against the file. Chunks follow the document's paragraphs (its prose lines);
a long paragraph is cut between sentences; a very short one (a caption) or a question (an
interviewer's) is joined to the paragraph after it when no layout junk stands between them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.ingestion.documents import Document
from rag.text.sentences import Span, split_sentences


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    sentences: tuple[Span, ...]


def chunk_document(doc: Document, max_chars: int, min_chars: int) -> list[Chunk]:
    """Chunks of whole sentences, following paragraphs; see the module docstring."""
    paragraphs = [split_sentences(doc.text, s, e) for s, e in doc.segments]
    chunks: list[Chunk] = []
    pending: list[Span] = []  # a short paragraph waiting to be joined to the next one
    for i, sentences in enumerate(paragraphs):
        if pending and i in doc.after_junk:
            chunks.extend(_pack(pending, max_chars))
            pending = []
        sentences = pending + sentences
        pending = []
        length = sentences[-1].end - sentences[0].start
        # a question (an interviewer's) or a caption belongs with the paragraph that follows it
        is_question = doc.text[sentences[-1].end - 1] in "?;？؟"
        if (length < min_chars or is_question) and i + 1 < len(paragraphs):
            pending = sentences
            continue
        chunks.extend(_pack(sentences, max_chars))
    if pending:
        chunks.extend(_pack(pending, max_chars))
    return chunks


def _pack(sentences: list[Span], max_chars: int) -> list[Chunk]:
    """Cut a run of sentences into chunks of at most ``max_chars`` (a longer sentence stays whole)."""
    out: list[Chunk] = []
    group: list[Span] = []
    for sp in sentences:
        if group and sp.end - group[0].start > max_chars:
            out.append(Chunk(group[0].start, group[-1].end, tuple(group)))
            group = []
        group.append(sp)
    if group:
        out.append(Chunk(group[0].start, group[-1].end, tuple(group)))
    return out
