"""The alignment sidecar: which documents translate each other, their sentence groups, and what the
versions of each group differ on. Typed, read and written as one JSON file beside the collection.

Built at ingest (align.py finds the pairs, compare.py and model.py the differences, refresh.py puts
them together), read and saved beside the index by sidecar.py; a query only looks things up in it.

On disk (``ALIGN_VERSION`` 2): ``documents`` (doc_id -> sha, language, spans, chunks, texts),
``pairs``, ``findings`` (group id -> differences), ``findings_version``, ``llm_model`` and
``llm_cache`` (the chat model's comparisons, keyed by the groups' text). A sidecar of version 1 held
the last four in an ``extra`` object under the same names: it is read as it stands, so an index
built before this layout keeps its groups and findings and is not aligned again.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from typing import Any

ALIGN_VERSION = 2
# the version that kept the findings in an untyped "extra" object: still read
_EXTRA_VERSION = 1


@dataclass
class Link:
    """Sentences ``a`` of the first document say what sentences ``b`` of the second say."""

    a: list[int]
    b: list[int]
    score: float


@dataclass
class PairAlignment:
    a: str
    b: str
    sha_a: str
    sha_b: str
    translation: bool
    coverage: float
    mean: float
    links: list[Link] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "sha_a": self.sha_a,
            "sha_b": self.sha_b,
            "translation": self.translation,
            "coverage": round(self.coverage, 4),
            "mean": round(self.mean, 4),
            # only translations keep their links: the rest are never looked up
            "links": [[ln.a, ln.b, round(ln.score, 4)] for ln in self.links] if self.translation else [],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PairAlignment:
        links = [Link(list(a), list(b), float(s)) for a, b, s in d["links"]]
        return cls(d["a"], d["b"], d["sha_a"], d["sha_b"], d["translation"], d["coverage"], d["mean"], links)


@dataclass(frozen=True)
class Finding:
    """A difference between the versions of one group: its kind ("date", "number", "amount", "code",
    "name", "meaning", "missing") and, per document, what it says there ("" for a version that says
    nothing of it)."""

    kind: str
    values: dict[str, str]
    about: str = ""  # what the versions differ on, when it has a code (a country: "CN")

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "values": self.values, **({"about": self.about} if self.about else {})}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Finding:
        return cls(str(d["kind"]), {str(k): str(v) for k, v in d["values"].items()}, str(d.get("about", "")))


def _findings(data: dict[str, Any]) -> dict[str, list[Finding]]:
    return {key: [Finding.from_json(f) for f in found] for key, found in data.items()}


def _findings_json(found: dict[str, list[Finding]]) -> dict[str, list[dict[str, Any]]]:
    return {key: [f.to_json() for f in fs] for key, fs in found.items()}


@dataclass(eq=False)  # compared and hashed by identity: caches are keyed by the alignment read
class Alignment:
    """Pair alignments and what was found in them; the sentence groups are built from the pairs."""

    pairs: dict[tuple[str, str], PairAlignment]
    # doc_id -> {"sha", "language", "spans", "chunks", "texts"}: what the links' indexes refer to
    sentences: dict[str, dict[str, Any]]
    # group id -> the differences between its versions (compare.py, model.py)
    differences: dict[str, list[Finding]] = field(default_factory=dict)
    # the version of the comparisons that found them (compare.FINDINGS_VERSION), None before any
    findings_version: int | None = None
    # the chat model whose comparisons are among them, None when none was asked
    llm_model: str | None = None
    # the chat model's differences per group text (model.py): still valid when the groups change
    llm_cache: dict[str, list[Finding]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._build_groups()

    # -- persistence ------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "version": ALIGN_VERSION,
            "documents": self.sentences,
            "pairs": [p.to_json() for p in self.pairs.values()],
            "findings": _findings_json(self.differences),
            "findings_version": self.findings_version,
            "llm_model": self.llm_model,
            "llm_cache": _findings_json(self.llm_cache),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Alignment:
        version = data.get("version")
        if version not in (ALIGN_VERSION, _EXTRA_VERSION):
            raise ValueError("alignment sidecar of another version")
        found = data if version == ALIGN_VERSION else dict(data.get("extra", {}))
        pairs = {(p["a"], p["b"]): PairAlignment.from_json(p) for p in data["pairs"]}
        docs = {k: {**v, "spans": [tuple(s) for s in v["spans"]]} for k, v in data["documents"].items()}
        return cls(
            pairs,
            docs,
            differences=_findings(found.get("findings") or {}),
            findings_version=found.get("findings_version"),
            llm_model=found.get("llm_model"),
            llm_cache=_findings(found.get("llm_cache") or {}),
        )

    # -- groups -----------------------------------------------------------------------------
    def _build_groups(self) -> None:
        """Connected sentences across translation pairs: one group per fact stated in several versions."""
        parent: dict[tuple[str, int], tuple[str, int]] = {}

        def find(x: tuple[str, int]) -> tuple[str, int]:
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        # doc_id -> {sentence index -> {other doc_id -> [indexes]}}: the direct counterparts
        self.counterparts: dict[str, dict[int, dict[str, list[int]]]] = {}
        self.family: dict[str, set[str]] = {}
        for p in self.pairs.values():
            if not p.translation:
                continue
            self.family.setdefault(p.a, set()).add(p.b)
            self.family.setdefault(p.b, set()).add(p.a)
            for ln in p.links:
                for i in ln.a:
                    self.counterparts.setdefault(p.a, {}).setdefault(i, {})[p.b] = ln.b
                for j in ln.b:
                    self.counterparts.setdefault(p.b, {}).setdefault(j, {})[p.a] = ln.a
                nodes = [(p.a, i) for i in ln.a] + [(p.b, j) for j in ln.b]
                for x in nodes[1:]:
                    parent[find(x)] = find(nodes[0])
        members: dict[tuple[str, int], list[tuple[str, int]]] = {}
        for x in parent:
            members.setdefault(find(x), []).append(x)
        self.group_of: dict[tuple[str, int], str] = {}
        self.groups: dict[str, list[tuple[str, int]]] = {}
        for nodes in members.values():
            nodes.sort()
            gid = _group_id(nodes)
            self.groups[gid] = nodes
            for x in nodes:
                self.group_of[x] = gid
        # a sentence of a translated document that no version shares: a group of its own, so that it
        # can be reported as missing from the others
        for doc in self.family:
            for i in range(len(self.sentences.get(doc, {}).get("spans", []))):
                if (doc, i) not in self.group_of:
                    gid = _group_id([(doc, i)])
                    self.groups[gid] = [(doc, i)]
                    self.group_of[doc, i] = gid
        # chunk -> chunks of other documents holding translations of its sentences: built once per
        # load, so that a query only looks it up
        self._partners: dict[str, set[str]] = {}
        for doc, by_sentence in self.counterparts.items():
            owners = self.sentences.get(doc, {}).get("chunks", [])
            for i, found in by_sentence.items():
                partners = self._partners.setdefault(owners[i], set())
                for other, idx in found.items():
                    partners.update(self.sentences[other]["chunks"][j] for j in idx)
        self._index = {
            doc: {tuple(span): n for n, span in enumerate(info["spans"])}
            for doc, info in self.sentences.items()
        }

    def sentence_index(self, doc_id: str, start: int, end: int) -> int | None:
        return self._index.get(doc_id, {}).get((start, end))

    def span(self, doc_id: str, i: int) -> tuple[int, int]:
        s, e = self.sentences[doc_id]["spans"][i]
        return int(s), int(e)

    def group(self, doc_id: str, start: int, end: int) -> str | None:
        i = self.sentence_index(doc_id, start, end)
        return None if i is None else self.group_of.get((doc_id, i))

    def translations(self, doc_id: str, start: int, end: int) -> dict[str, list[tuple[int, int]]]:
        """The spans that say what ``doc_id[start:end]`` says, per other document (direct links)."""
        i = self.sentence_index(doc_id, start, end)
        if i is None:
            return {}
        found = self.counterparts.get(doc_id, {}).get(i, {})
        return {other: [self.span(other, j) for j in idx] for other, idx in found.items()}

    def findings(self, gid: str) -> list[Finding]:
        """The differences between the versions of group ``gid`` found at ingest."""
        return list(self.differences.get(gid, []))

    def chunk_partners(self, chunk_id: str) -> set[str]:
        """Chunks of other documents that hold translations of this chunk's sentences."""
        return set(self._partners.get(chunk_id, ()))


def _group_id(nodes: list[tuple[str, int]]) -> str:
    """A group's id: stable for the same sentences of the same documents."""
    return "g" + hashlib.sha1(repr(nodes).encode()).hexdigest()[:10]


def pairs_of(alignment: Alignment) -> list[tuple[str, str]]:
    return sorted(k for k, p in alignment.pairs.items() if p.translation)


def sentence_pairs(alignment: Alignment, a: str, b: str) -> set[tuple[int, int]]:
    """All (i, j) sentence pairs linked between ``a`` and ``b`` (for scoring against a gold alignment)."""
    key = (min(a, b), max(a, b))
    p = alignment.pairs.get(key)
    if p is None or not p.translation:
        return set()
    out = {(i, j) for ln in p.links for i, j in itertools.product(ln.a, ln.b)}
    return out if key == (a, b) else {(j, i) for i, j in out}


def group_units(alignment: Alignment, gid: str) -> dict[str, str]:
    """doc_id -> the text of its sentences in group ``gid``; "" for a translation that lacks them.

    In the order of the doc ids: the notes name the versions in this order, which was a set's (and so
    changed from one process to the next) before."""
    nodes = alignment.groups[gid]
    docs = {d for d, _ in nodes}
    family = set().union(*(alignment.family.get(d, set()) for d in docs)) | docs
    units = {d: "" for d in sorted(family)}
    for d, i in nodes:
        text = alignment.sentences[d]["texts"][i]
        units[d] = f"{units[d]} {text}".strip()
    return units
