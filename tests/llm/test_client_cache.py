"""The cached chat client: one per distinct configuration, never one built for other settings."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from rag.llm import client
from rag.settings import Settings


@pytest.fixture
def base(tmp_path) -> Settings:
    return Settings(
        docs_dir=tmp_path,
        index_dir=tmp_path / "index",
        llm_model="m",
        llm_base_url="http://127.0.0.1:9/v1",
        llm_api_key=None,
    )


@pytest.mark.parametrize(
    ("field", "value", "attr", "expected"),
    [
        ("llm_api_key", SecretStr("key-2"), "api_key", "key-2"),
        ("llm_max_tokens", 123, "max_tokens", 123),
        ("llm_context_window", 32000, "context_window", 32000),
        ("llm_timeout", 7.0, "timeout", 7.0),
        ("llm_temperature", 0.7, "temperature", 0.7),
        ("llm_model", "other", "model", "other"),
        ("llm_base_url", "http://127.0.0.1:10/v1", "api_base", "http://127.0.0.1:10/v1"),
    ],
)
def test_a_per_call_override_gets_a_client_built_with_it(base, field, value, attr, expected):
    first = client.get_llm(base.model_copy(update={"llm_api_key": SecretStr("key-1")}))
    second = client.get_llm(base.model_copy(update={"llm_api_key": SecretStr("key-1"), field: value}))
    assert getattr(second, attr) == expected
    assert second is not first


def test_the_same_settings_share_one_client(base):
    assert client.get_llm(base) is client.get_llm(base.model_copy())
    assert client.get_llm(base).api_key == "unused"


def test_the_cache_keeps_a_bounded_number_of_clients(base):
    for n in range(client._MAX_CLIENTS + 5):
        client.get_llm(base.model_copy(update={"llm_api_key": SecretStr(f"key-{n}")}))
    assert len(client._LLMS) <= client._MAX_CLIENTS
