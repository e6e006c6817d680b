"""``rag calibrate``: fit the answer-or-refuse decisions to an index's embedder on questions whose
answers are known, and keep them beside the index (``rag.answer.calibration``).

The questions are JSONL in the gold set's format (``eval/gold.jsonl``): ``question``, ``lang``,
``history``, ``expect``, ``support`` (``[{"doc", "anchor"}]``) and ``kind``; ``"unanswerable"`` items
are to be refused, every other kind is answerable. The judge (the evaluation's, reduced: ``rag`` never
imports ``eval``): an answer is *right* when one of its citations overlaps a supporting passage (the
line of the supporting document that holds the anchor), *wrong* when it cites none; a refusal is right
for an unanswerable item and a *refusal* (neither) for an answerable one. The objective is
``right - wrong_cost * wrong``.

Fast: what a question retrieves (analysis, search, grouping) does not depend on the decisions, so it
is computed once per question; each candidate calibration reruns only the grounding (the
question's variants embedded once, cached by their texts) and the offline extractive answer (cached by
what ``min_relevance`` changes in it). ``min_relevance`` is searched over the observed cosines,
``grounding_margin`` and ``foreign_share`` over small grids; the others are kept. Held-out figures: k
folds, the questions about one passage (or one id stem, ``un-paris-en``/``un-paris-vi``) in one fold.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from rag import api
from rag.answer.calibration import Calibration, index_path, resolve, save
from rag.answer.extractive import extractive_answer
from rag.answer.grounding import ground
from rag.retrieval.query import Query
from rag.settings import DECISIONS, Decision, Settings

logger = logging.getLogger(__name__)

RIGHT, WRONG, REFUSED = 1, -1, 0
GROUNDING_MARGINS = (-0.003, 0.0, 0.0015, 0.003, 0.006, 0.01)
FOREIGN_SHARES = (0.1, 0.2, 0.3, 0.5, 1.0)
RELEVANCE_STEPS = 40  # candidate min_relevance values: quantiles of the observed best cosines
FITTED: tuple[Decision, ...] = ("min_relevance", "grounding_margin", "foreign_share")


@dataclass(frozen=True)
class Item:
    """One question of the file: what to ask and where its answer is (no support: to be refused)."""

    id: str
    question: str
    history: list[dict[str, str]]
    support: list[tuple[str, str]]  # (doc id, anchor)
    answerable: bool


def read_questions(path: Path) -> list[Item]:
    """The items of a JSONL file; ValueError naming the line that is not one."""
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            answerable = raw.get("kind") != "unanswerable"
            support = [(str(s["doc"]), str(s["anchor"])) for s in raw.get("support", [])]
            name = str(raw.get("id", f"line{n}"))
            item = Item(name, raw["question"], raw.get("history") or [], support, answerable)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}:{n}: not a question item ({exc})") from None
        if answerable and not support:
            raise ValueError(f"{path}:{n}: {item.id} is answerable but has no support")
        items.append(item)
    if not items:
        raise ValueError(f"{path}: no questions")
    return items


Span = tuple[str, int, int]


def supporting_spans(item: Item, settings: Settings) -> list[Span]:
    """The lines of the supporting documents that hold the item's anchors."""
    spans = []
    for doc, anchor in item.support:
        text = api.document_text(doc, settings)
        at = text.find(anchor)
        if at < 0:
            raise ValueError(f"{item.id}: anchor {anchor!r} not found in {doc}")
        end = text.find("\n", at)
        spans.append((doc, text.rfind("\n", 0, at) + 1, end if end >= 0 else len(text)))
    return spans


def judge(item: Item, answer: Any, spans: list[Span]) -> int:
    if not answer.answered:
        return REFUSED if item.answerable else RIGHT
    if not item.answerable:
        return WRONG
    hit = any(c.doc_id == d and c.start < e and s < c.end for c in answer.citations for d, s, e in spans)
    return RIGHT if hit else WRONG


@dataclass(frozen=True, eq=False)
class _CachedQuery(Query):
    """A Query whose variants (the question with a name left out) are embedded once."""

    cache: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict, repr=False)

    def embed_variants(self, texts: list[str], settings: Settings) -> np.ndarray:
        key = tuple(texts)
        if key not in self.cache:
            self.cache[key] = super().embed_variants(texts, settings)
        return self.cache[key]


def folds_of(items: list[Item], k: int) -> list[int]:
    """Each item's fold: the items about one passage, or with one id stem, stay together; the groups
    are dealt out largest first to the fold with the fewest items."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        stem = item.id.rsplit("-", 1)[0] if "-" in item.id else item.id
        keys = [f"id:{stem}", *(f"support:{d}:{a}" for d, a in item.support)]
        for key in keys:
            if key in seen:
                parent[root(i)] = root(seen[key])
            else:
                seen[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(root(i), []).append(i)
    sizes = [0] * k
    fold = [0] * len(items)
    for members in sorted(groups.values(), key=lambda g: (-len(g), g[0])):
        f = sizes.index(min(sizes))
        sizes[f] += len(members)
        for i in members:
            fold[i] = f
    return fold


@dataclass
class Fit:
    """The outcomes of every candidate calibration on every item, and what was chosen."""

    params: list[tuple[float, float, float]]  # (min_relevance, grounding_margin, foreign_share)
    outcomes: np.ndarray  # (len(params), items) of RIGHT / WRONG / REFUSED
    current: int  # the row of the settings' own values
    wrong_cost: float
    folds: list[int] = field(default_factory=list)

    def figures(self, row: int, fold: int | None = None) -> dict[str, Any]:
        """Right, wrong, refused, n and the objective of ``row`` on every item (or those of ``fold``)."""
        o = self.outcomes[row]
        return self._count(o if fold is None else o[np.asarray(self.folds) == fold])

    def _count(self, o: np.ndarray) -> dict[str, Any]:
        right, wrong, refused = (int((o == code).sum()) for code in (RIGHT, WRONG, REFUSED))
        score = round(right - self.wrong_cost * wrong, 3)
        return {"right": right, "wrong": wrong, "refused": refused, "n": len(o), "score": score}

    def best(self, mask: np.ndarray) -> int:
        """The row with the highest objective on ``mask``; of equals, the one nearest the current."""
        o = self.outcomes[:, mask]
        score = (o == RIGHT).sum(axis=1) - self.wrong_cost * (o == WRONG).sum(axis=1)
        grids = [sorted({p[j] for p in self.params}) for j in range(3)]
        here = [grids[j].index(self.params[self.current][j]) for j in range(3)]
        dist = [sum(abs(grids[j].index(p[j]) - here[j]) for j in range(3)) for p in self.params]
        top = score.max()
        return min((r for r in range(len(self.params)) if score[r] == top), key=lambda r: (dist[r], r))

    def held_out(self) -> tuple[dict[str, Any], list[tuple[int, int]]]:
        """Each fold scored with the row fitted on the others, summed; and (fold, row) for each."""
        folds = np.asarray(self.folds)
        codes = np.zeros(self.outcomes.shape[1], dtype=self.outcomes.dtype)
        rows = []
        for f in sorted(set(self.folds)):
            row = self.best(folds != f)
            rows.append((f, row))
            codes[folds == f] = self.outcomes[row][folds == f]
        return {**self._count(codes), "folds": len(rows)}, rows


def _relevance_grid(found: list[api.Found], depth: int, current: float) -> list[float]:
    seen = sorted({round(float(g.sent_cos.max()), 6) for f in found for g in f.groups[:depth]})
    if not seen:
        return [current]
    picks = np.quantile(np.asarray(seen), np.linspace(0, 1, RELEVANCE_STEPS))
    return sorted({round(float(v), 6) for v in picks} | {current})


def fit(
    items: list[Item], settings: Settings, wrong_cost: float = 2.0, k: int = 5, progress: bool = False
) -> Fit:
    """Run the items once, then every candidate calibration over what they retrieved."""
    from tqdm import tqdm

    s = resolve(settings)
    api.ensure_index(s, progress=progress)
    spans = [supporting_spans(item, s) for item in items]
    found = []
    for item in tqdm(items, desc="retrieve", unit="question", disable=not progress):
        try:
            f = api.searched(item.question, item.history, s)
        except ValueError as exc:
            raise ValueError(f"{item.id}: {exc}") from None
        cached = _CachedQuery(**{x.name: getattr(f.query, x.name) for x in fields(Query)})
        found.append(api.Found(cached, f.groups, f.means, f.alignment))
    now = (s.decision("min_relevance"), s.decision("grounding_margin"), s.decision("foreign_share"))
    relevance = _relevance_grid(found, s.grounding_depth, now[0])
    margins = sorted({*GROUNDING_MARGINS, now[1]})
    shares = sorted({*FOREIGN_SHARES, now[2]})
    params = [(r, m, sh) for m in margins for sh in shares for r in relevance]
    row = {p: n for n, p in enumerate(params)}
    outcomes = np.zeros((len(params), len(items)), dtype=np.int8)
    answers: list[dict[Any, int]] = [{} for _ in items]  # per item: (grounded groups, relevant) -> outcome
    combos = [(m, sh) for m in margins for sh in shares]
    for m, sh in tqdm(combos, desc="calibrate", unit="setting", disable=not progress):
        grounded_settings = s.model_copy(update={"grounding_margin": m, "foreign_share": sh})
        for j, (item, f) in enumerate(zip(items, found, strict=True)):
            grounded = ground(f.query, f.groups, f.alignment, grounded_settings)
            tops = [float(g.sent_cos.max()) for g in grounded[:3]]
            for r in relevance:
                key = (tuple(id(g) for g in grounded), tuple(t >= r for t in tops))
                if key not in answers[j]:
                    one = grounded_settings.model_copy(update={"min_relevance": r})
                    answer = extractive_answer(f.query, grounded, f.alignment, one)
                    answers[j][key] = judge(item, answer, spans[j])
                outcomes[row[r, m, sh], j] = answers[j][key]
    return Fit(params, outcomes, row[now], wrong_cost, folds_of(items, max(1, min(k, len(items)))))


@dataclass(frozen=True)
class Report:
    """What ``calibrate`` found: the calibration to keep, and the figures it was chosen by."""

    calibration: Calibration
    fit: Fit
    chosen: int
    fold_rows: list[tuple[int, int]]  # (fold, the row fitted without it)
    path: Path | None  # where it was written (None: a dry run)


def calibrate(
    questions: Path,
    settings: Settings,
    wrong_cost: float = 2.0,
    folds: int = 5,
    dry_run: bool = False,
    progress: bool = False,
) -> Report:
    """Fit the decisions on ``questions`` over the index of ``settings``; unless ``dry_run``, keep the
    result beside the index, where the next question reads it."""
    if wrong_cost < 0:
        raise ValueError(f"--wrong-cost must be 0 or more, not {wrong_cost:g}")
    if folds < 1:
        raise ValueError(f"--folds must be 1 or more, not {folds}")
    items = read_questions(questions)
    result = fit(items, settings, wrong_cost, folds, progress)
    chosen = result.best(np.ones(len(items), dtype=bool))
    held, fold_rows = result.held_out() if len(set(result.folds)) > 1 else ({}, [])
    s = resolve(settings)  # the values not fitted are kept as they are now
    values: dict[str, float] = {
        **{n: s.decision(n) for n in DECISIONS},
        **dict(zip(FITTED, result.params[chosen], strict=True)),
    }
    calibration = Calibration(
        **values,
        embedder=settings.embedder_key(),
        fingerprint=settings.fingerprint(),
        source="rag calibrate",
        fitted_on=str(questions),
        questions=len(items),
        objective=f"right - {wrong_cost:g} x wrong, offline extractive answers",
        in_sample={**result.figures(chosen), "before": result.figures(result.current)},
        held_out=held,
        date=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    path, explicit = None, [n for n in FITTED if getattr(settings, n) is not None]
    if explicit and not dry_run:
        logger.warning("%s set in the settings: it overrides the calibration written", ", ".join(explicit))
    if not dry_run:
        path = index_path(settings)
        save(path, calibration)
        logger.info("calibration written to %s", path)
    return Report(calibration, result, chosen, fold_rows, path)
