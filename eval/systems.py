"""The systems the runner compares, behind one interface: ingest, retrieve, ask.

``product`` is ``rag`` with the run's settings; ``bm25`` and ``vector`` are the baselines of
``eval/baselines``. The XQuAD harness imports a module instead: ``HARNESS_MODULES`` names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rag.settings import Settings

SYSTEMS = ("bm25", "vector", "product")
HARNESS_MODULES = {"product": "rag", "bm25": "eval.baselines.bm25", "vector": "eval.baselines.vector"}


class System(Protocol):
    name: str

    def ingest(self) -> Any: ...

    def retrieve(self, question: str, k: int = 10) -> list[Any]: ...

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Any: ...


@dataclass
class Product:
    settings: Settings
    name: str = "product"

    def ingest(self) -> Any:
        import rag

        return rag.ingest(settings=self.settings, progress=False)

    def retrieve(self, question: str, k: int = 10) -> list[Any]:
        import rag

        return list(rag.retrieve(question, k=k, settings=self.settings))

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Any:
        import rag

        return rag.ask(question, history=history, settings=self.settings)


def make_system(name: str, settings: Settings) -> System:
    """The system called ``name``, reading ``settings.docs_dir`` (baselines use its embedder too)."""
    if name == "product":
        return Product(settings)
    if name == "bm25":
        from eval.baselines.bm25 import BM25Baseline

        return BM25Baseline(Path(settings.docs_dir))
    if name == "vector":
        from eval.baselines.vector import VectorBaseline

        return VectorBaseline(Path(settings.docs_dir), settings)
    raise ValueError(f"unknown system {name!r}: choose from {', '.join(SYSTEMS)}")
