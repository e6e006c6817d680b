"""The same code against a real Chroma server (RAG_CHROMA_HOST/PORT), on the loopback."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import rag

from ..conftest import _free_port

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def chroma_server(tmp_path):
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.skip("the chroma command of the chromadb package is not next to this Python")
    port = _free_port()
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_chroma_server_gives_the_same_citations_as_the_embedded_store(chroma_server, tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    embedded = rag.Settings(
        docs_dir=docs, index_dir=tmp_path / "embedded", embed_model="hash:256", min_relevance=0.0
    )
    server = embedded.model_copy(
        update={"index_dir": tmp_path / "client", "chroma_host": "127.0.0.1", "chroma_port": chroma_server}
    )
    for s in (embedded, server):
        report = rag.ingest(settings=s, progress=False)
        assert len(report.added) == 5
    assert rag.ingest(settings=server, progress=False).chunks_written == 0  # idempotent there too
    for q in ["Saint Petersburg agreement March 2025", "UNDP", "Hoa Lac projects"]:
        a, b = rag.ask(q, settings=embedded), rag.ask(q, settings=server)
        assert [(c.doc_id, c.start, c.end) for c in a.citations] == [
            (c.doc_id, c.start, c.end) for c in b.citations
        ]
        assert a.text == b.text
