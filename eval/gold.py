"""The gold set: schema, loading and validation against the documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

GOLD_FILE = Path(__file__).with_name("gold.jsonl")

Kind = Literal["fact", "followup", "unanswerable", "disagreement"]


class Support(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc: str
    anchor: str = Field(min_length=3)


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str


class GoldItem(BaseModel):
    """One question. ``expect`` is a list of facts; each fact is a list of alternatives (any language).

    A "disagreement" item asks about something the translations of one document state differently;
    ``disagree`` holds, per document id, the differing text as it stands in that document, and
    ``expect`` only the facts all translations share.
    """

    model_config = ConfigDict(extra="forbid")
    id: str
    question: str = Field(min_length=1)
    lang: str
    kind: Kind
    history: list[Message] = []
    expect: list[list[str]] = []
    support: list[Support] = []
    disagree: dict[str, str] = {}

    @model_validator(mode="after")
    def _disagree_only_on_disagreements(self) -> GoldItem:
        # a difference needs two sides; on any other kind the field would be read by nobody
        if self.kind == "disagreement" and len(self.disagree) < 2:
            raise ValueError("a disagreement item needs 'disagree' texts from at least two documents")
        if self.kind != "disagreement" and self.disagree:
            raise ValueError(f"'disagree' is only allowed on disagreement items, not on {self.kind!r}")
        return self

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


class GoldError(ValueError):
    pass


def passage_span(text: str, anchor: str) -> tuple[int, int]:
    """The line of ``text`` that holds ``anchor``: the supporting passage."""
    at = text.find(anchor)
    if at < 0:
        raise GoldError(f"anchor {anchor!r} not found")
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, (end if end >= 0 else len(text))


def _lines_holding(text: str, anchor: str) -> set[int]:
    """The numbers of the lines ``anchor`` occurs in."""
    lines, at = set(), text.find(anchor)
    while at >= 0:
        lines.add(text.count("\n", 0, at))
        at = text.find(anchor, at + 1)
    return lines


def _parse(line: str, where: str) -> GoldItem:
    """One line as an item; the error names the item's id when the line has one."""
    try:
        raw = json.loads(line)
    except ValueError as exc:
        raise GoldError(f"{where}: not JSON: {exc}") from exc
    name = raw.get("id") if isinstance(raw, dict) else None
    try:
        return GoldItem.model_validate(raw)
    except ValidationError as exc:
        # one short "field: problem" per error rather than pydantic's multi-line dump of the input
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'item'}: {e['msg']}" for e in exc.errors())
        raise GoldError(f"{where}: {name or 'item without id'}: {problems}") from exc


def _doc_text(doc: str, docs_dir: Path, texts: dict[str, str]) -> str:
    """A document's text, read once; raw bytes decoded so offsets match what the product reads."""
    if doc not in texts:
        doc_path = docs_dir / doc
        if not doc_path.is_file():
            raise GoldError(f"cites missing document {doc}")
        texts[doc] = doc_path.read_bytes().decode("utf-8")
    return texts[doc]


def _check_item(item: GoldItem, docs_dir: Path, texts: dict[str, str]) -> None:
    if item.answerable and (not item.expect or not item.support):
        raise GoldError("is answerable but has no expect/support")
    for sup in item.support:
        text = _doc_text(sup.doc, docs_dir, texts)
        try:
            passage_span(text, sup.anchor)
        except GoldError as exc:
            raise GoldError(f"{exc} in {sup.doc}") from exc
        # the passage is the first line holding the anchor: one that recurs (two paragraphs of a
        # translation open alike) would silently point at the wrong line
        if len(found := _lines_holding(text, sup.anchor)) > 1:
            raise GoldError(
                f"anchor {sup.anchor!r} stands in {len(found)} lines of {sup.doc}; make it longer"
            )
    for doc, quoted in item.disagree.items():
        if quoted not in _doc_text(doc, docs_dir, texts):
            raise GoldError(f"disagree text {quoted!r} not found in {doc}")


def load_gold(path: Path, docs_dir: Path) -> tuple[list[GoldItem], dict[str, str]]:
    """Items and the texts of the documents they cite; GoldError names the first bad item."""
    items: list[GoldItem] = []
    texts: dict[str, str] = {}
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        item = _parse(line, where)
        if item.id in seen:
            raise GoldError(f"{where}: duplicate id {item.id}")
        seen.add(item.id)
        try:
            _check_item(item, docs_dir, texts)
        except GoldError as exc:
            raise GoldError(f"{where}: {item.id}: {exc}") from exc
        items.append(item)
    return items, texts
