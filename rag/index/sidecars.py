"""The files kept beside an index's collections, ``<index dir>/<index name>.<suffix>``.

One atomic JSON writer for all of them (a reader sees the old file or the new one, never half of one);
the language statistics (``stats.json``), the journal of unfinished deletes (``deleting.json``), the
one-writer lock (``lock``). Other stages keep their own sidecars here by name (the translation
alignment, ``align.json``), through ``Store.read_sidecar`` / ``Store.write_sidecar``.

May import: numpy, filelock, ``rag.index.chroma`` (for ``IndexError_``). Nothing else of ``rag``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from rag.index.chroma import IndexError_

STATS = "stats.json"
JOURNAL = "deleting.json"
LOCK = "lock"
CALIBRATION = "calibration.json"  # rag.answer.calibration's, written by `rag calibrate`


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` atomically: into a temporary file, then renamed over it."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    """The JSON in ``path``; ``FileNotFoundError`` when there is none, ``ValueError`` when unreadable."""
    return json.loads(path.read_text(encoding="utf-8"))


class Sidecars:
    """The sidecar files of one index: ``<folder>/<name>.<suffix>``."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.name = name

    def path(self, suffix: str) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f"{self.name}.{suffix}"

    def read(self, suffix: str) -> Any:
        return read_json(self.path(suffix))

    def write(self, suffix: str, data: Any) -> None:
        write_json(self.path(suffix), data)

    def remove_all(self) -> None:
        """Delete every JSON sidecar (they describe an index that is gone), but the calibration: it
        describes the embedder's scale on these documents, which a rebuilt index has again."""
        for sidecar in self.folder.glob(f"{self.name}.*.json"):
            if not sidecar.name.endswith(f".{CALIBRATION}"):
                sidecar.unlink()

    def writer_lock(self, timeout: float = 0) -> FileLock:
        """The one-writer lock: Chroma's embedded client is not safe for two writing processes."""
        return FileLock(str(self.path(LOCK)), timeout=timeout)

    def acquire_writer(self, wait: float) -> FileLock:
        """The writer lock, held; ``IndexError_`` when another process holds it for ``wait`` seconds."""
        lock = self.writer_lock(timeout=wait)
        try:
            lock.acquire()
        except Timeout as exc:
            raise IndexError_(
                f"another process is writing the index {self.folder}; "
                "wait for it to finish, then run ingest again"
            ) from exc
        return lock

    def journal(self) -> DeleteJournal:
        return DeleteJournal(self.path(JOURNAL))


class DeleteJournal:
    """Deletes begun and not yet finished, as (doc_id, keep_sha) pairs: the next ingest redoes them."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def pending(self) -> list[tuple[str, str | None]]:
        try:
            return [(str(d), k) for d, k in read_json(self.path)]
        except (OSError, ValueError):
            return []

    def begin(self, item: tuple[str, str | None]) -> None:
        pending = self.pending()
        if item not in pending:
            pending.append(item)
        self._save(pending)

    def done(self, item: tuple[str, str | None]) -> None:
        self._save([p for p in self.pending() if p != item])

    def _save(self, pending: list[tuple[str, str | None]]) -> None:
        if pending:
            write_json(self.path, pending)
        else:
            self.path.unlink(missing_ok=True)


@dataclass
class LanguageStats:
    """Mean chunk and sentence vectors per language (for centering) and chunk counts."""

    chunk_mean: dict[str, np.ndarray]
    sentence_mean: dict[str, np.ndarray]
    chunk_count: dict[str, int]
    docs_key: str = ""  # which document versions these were computed from

    def to_json(self) -> dict[str, Any]:
        return {
            "chunk_mean": {k: v.tolist() for k, v in self.chunk_mean.items()},
            "sentence_mean": {k: v.tolist() for k, v in self.sentence_mean.items()},
            "chunk_count": self.chunk_count,
            "docs_key": self.docs_key,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LanguageStats:
        def arr(d: dict[str, list[float]]) -> dict[str, np.ndarray]:
            return {k: np.asarray(v, dtype=np.float32) for k, v in d.items()}

        return cls(
            arr(data["chunk_mean"]),
            arr(data["sentence_mean"]),
            dict(data["chunk_count"]),
            str(data.get("docs_key", "")),
        )
