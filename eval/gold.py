"""The gold set: schema, loading and validation against the documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

GOLD_FILE = Path(__file__).with_name("gold.jsonl")


class Support(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc: str
    anchor: str = Field(min_length=3)


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str


class GoldItem(BaseModel):
    """One question. ``expect`` is a list of facts; each fact is a list of alternatives (any language)."""

    model_config = ConfigDict(extra="forbid")
    id: str
    question: str = Field(min_length=1)
    lang: str
    kind: Literal["fact", "followup", "unanswerable"]
    history: list[Message] = []
    expect: list[list[str]] = []
    support: list[Support] = []

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


def load_gold(path: Path, docs_dir: Path) -> tuple[list[GoldItem], dict[str, str]]:
    """Items and the texts of the documents they cite; GoldError names the first bad item."""
    items: list[GoldItem] = []
    texts: dict[str, str] = {}
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = GoldItem.model_validate(json.loads(line))
        except ValueError as exc:
            raise GoldError(f"{path.name}:{n}: {exc}") from exc
        if item.id in seen:
            raise GoldError(f"{path.name}:{n}: duplicate id {item.id}")
        seen.add(item.id)
        if item.answerable and (not item.expect or not item.support):
            raise GoldError(f"{path.name}:{n}: {item.id} is answerable but has no expect/support")
        for sup in item.support:
            if sup.doc not in texts:
                doc_path = docs_dir / sup.doc
                if not doc_path.is_file():
                    raise GoldError(f"{path.name}:{n}: {item.id} cites missing document {sup.doc}")
                texts[sup.doc] = doc_path.read_bytes().decode("utf-8")
            try:
                passage_span(texts[sup.doc], sup.anchor)
            except GoldError as exc:
                raise GoldError(f"{path.name}:{n}: {item.id}: {exc} in {sup.doc}") from exc
        items.append(item)
    return items, texts
