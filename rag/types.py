"""The small public types of the API (the contract: docs/api.md; add optional fields only)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Citation:
    """A verified span of a document: ``quote == document_text[start:end]``."""

    doc_id: str
    quote: str
    start: int
    end: int
    language: str
    group: str | None = None
    # where the quote starts: the 1-based page of a PDF, and a label ("p. 2", "p. 1 (OCR)",
    # "Background > Funding" for a heading path)
    page: int | None = None
    locator: str | None = None


@dataclass(frozen=True)
class Disagreement:
    """Where the translations of one cited sentence differ."""

    kind: str
    group: str
    values: dict[str, str]
    note: str


@dataclass
class Answer:
    text: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    degraded: bool = False
    disagreements: list[Disagreement] = field(default_factory=list)
    # the standalone query actually retrieved with (differs from the question for follow-ups)
    query: str = ""
    # with a chat model: sentences it wrote that no passage supports (removed from ``text``), and
    # citation markers it wrote that pointed at no passage
    unsupported: list[str] = field(default_factory=list)
    dropped_markers: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk of a document; ``translations`` holds the same passage in other documents."""

    doc_id: str
    start: int
    end: int
    text: str
    score: float
    language: str
    group: str | None = None
    translations: tuple[Passage, ...] = ()
    # where the translations of its sentences differ (see Answer.disagreements)
    disagreements: tuple[Disagreement, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    language: str
    chunks: int


@dataclass
class IngestReport:
    docs_dir: str
    collection: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # doc_id -> why
    chunks_written: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    # translations (align.py): document pairs aligned anew in this run, and all pairs found to be versions
    realigned_pairs: int = 0
    translations: list[list[str]] = field(default_factory=list)
    # every file of the folder: {"doc_id", "status" (added/updated/unchanged/skipped), "reader", "pages",
    # "chars" (of the text of record), "ocr", "reason" (when skipped)}
    files: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Events of rag.stream, in this order: TextDelta*, Citations, Done.
@dataclass(frozen=True)
class TextDelta:
    text: str
    type: Literal["text"] = "text"


@dataclass(frozen=True)
class CitationsEvent:
    citations: list[Citation]
    disagreements: list[Disagreement] = field(default_factory=list)
    type: Literal["citations"] = "citations"


@dataclass(frozen=True)
class Done:
    answer: Answer
    type: Literal["done"] = "done"


StreamEvent = TextDelta | CitationsEvent | Done
