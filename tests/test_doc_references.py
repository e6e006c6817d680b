"""Code comments and docstrings cite only documents the project has."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# a project document by name (README.md, NOTES.md, ...) or by path under docs/
_CITED = re.compile(r"(?<![\w/.-])(?:[A-Z][A-Z_]*\.md|docs/[\w./-]+\.md)\b")


def test_every_document_the_code_cites_exists_in_the_project():
    cited = {
        (py.relative_to(ROOT).as_posix(), name)
        for top in ("rag", "rag_ui", "eval", "tests")
        for py in (ROOT / top).rglob("*.py")
        for name in _CITED.findall(py.read_text(encoding="utf-8"))
    }
    assert ("rag/types.py", "docs/api.md") in cited  # the API contract
    missing = sorted((where, name) for where, name in cited if not (ROOT / name).is_file())
    assert missing == []
