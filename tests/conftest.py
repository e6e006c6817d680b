"""Shared fixtures. Unit tests use the hash embedder (instant); the seed tests use the real one."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from rag.answer import calibration
from rag.index.store import reset_stores
from rag.settings import Settings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Fixtures that index the seeds with the real embedder: the tests that use them are marked ``seeds``,
# so that ``pytest -m "not seeds"`` runs the unit tests alone, in seconds.
_SEED_FIXTURES = {"seed_settings", "app_url"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "seeds: needs the seed index built with the real embedder (~30 s)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _SEED_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.seeds)


@pytest.fixture(autouse=True)
def _fresh_stores():
    reset_stores()
    calibration.forget()
    yield
    reset_stores()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    return d


@pytest.fixture
def hash_settings(docs: Path, tmp_path: Path) -> Settings:
    return Settings(docs_dir=docs, index_dir=tmp_path / "index", embed_model="hash:256", min_relevance=0.0)


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The real seeds and the real embedder, indexed once for the whole session (~30 s)."""
    import rag

    root = tmp_path_factory.mktemp("seeds")
    docs = root / "docs"
    shutil.copytree(SEEDS, docs)
    settings = Settings(docs_dir=docs, index_dir=root / "index")
    rag.ingest(settings=settings, progress=False)
    return settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(seed_settings):
    from rag_ui.app import launch

    port = _free_port()
    demo = launch(seed_settings, "127.0.0.1", port, prevent_thread_lock=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def make_candidate(
    text: str,
    *,
    doc_id: str = "doc.txt",
    language: str = "en",
    sentences: list[str] | None = None,
    scores: list[float] | None = None,
    vec: list[float] | None = None,
    members: tuple = (),
    chunk_id: str | None = None,
):
    """A retrieved passage of ``doc_id``: its sentences (default: the whole text as one) score ``scores``
    (centred; raw cosine = centred + 0.8), each with the sentence vector ``vec``."""
    import numpy as np

    from rag.retrieval.candidates import Candidate

    parts = sentences or [text]
    full = " ".join(parts)
    spans, at = [], 0
    for s in parts:
        spans.append((at, at + len(s)))
        at += len(s) + 1
    sent_scores = np.array(scores if scores is not None else [0.1] * len(parts), np.float32)
    row = np.asarray(vec if vec is not None else [1.0, 0.0, 0.0], np.float32)
    return Candidate(
        chunk_id=chunk_id or f"{doc_id}-c",
        doc_id=doc_id,
        language=language,
        start=0,
        end=len(full),
        text=full,
        header="",
        position=0,
        sentences=tuple(spans),
        cos=0.9,
        sent_vecs=np.vstack([row] * len(parts)),
        sent_scores=sent_scores,
        sent_cos=sent_scores + 0.8,
        members=tuple(members),
    )


def make_query(question: str, language: str = "en", vector: list[float] | None = None, answer_language=None):
    """The Query of ``question`` in ``language`` without an embedder (``vector`` given or a unit vector)."""
    import numpy as np

    from rag.retrieval.query import read

    vec = np.asarray(vector if vector is not None else [1.0, 0.0, 0.0], np.float32)
    return read(question, vec, language, answer_language or language)
