"""The XQuAD harness (shared/xquad/run.py) run for each system in a subprocess, results cached.

The harness writes its own corpus and index into fresh temp folders, imports the system's module and
prints one JSON summary as its last line; that line is kept in
``eval/reports/xquad-<system>-<qlang>.json`` with when and how it was made, so the report can be
rebuilt without running the harness again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.systems import HARNESS_MODULES

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_HARNESS_DIR = PROJECT_DIR.parent / "shared" / "xquad"
QLANGS = ("en", "other")


class XQuADError(RuntimeError):
    pass


def cache_path(reports: Path, system: str, qlang: str) -> Path:
    return reports / f"xquad-{system}-{qlang}.json"


def command(system: str, qlang: str, harness_dir: Path, limit: int | None) -> list[str]:
    cmd = [sys.executable, str(harness_dir / "run.py"), "--module", HARNESS_MODULES[system]]
    cmd += ["--layout", "split", "--qlang", qlang, "--answers"]
    return cmd + (["--limit", str(limit)] if limit else [])


def last_json_line(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.splitlines()):
        if line.strip().startswith("{"):
            result: dict[str, Any] = json.loads(line)
            return result
    raise XQuADError("the harness printed no JSON summary")


def run_one(
    system: str, qlang: str, harness_dir: Path, reports: Path, limit: int | None = None, llm: bool = False
) -> dict[str, Any]:
    """Run the harness for one system and question language; cache and return the record."""
    run_py = harness_dir / "run.py"
    if not run_py.is_file():
        raise XQuADError(f"no XQuAD harness at {run_py} (use --xquad-dir)")
    env = dict(os.environ)
    if not llm:
        env.pop("RAG_LLM_MODEL", None)  # the offline path, as in the gold-set run
    # the harness imports the module from its working directory: the project root
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_DIR), env.get("PYTHONPATH")) if p)
    cmd = command(system, qlang, harness_dir, limit)
    load_start = os.getloadavg()[0]
    proc = subprocess.run(cmd, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise XQuADError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{tail}")
    record = {
        "system": system,
        "qlang": qlang,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        # as typed from the project root
        "command": " ".join(["python", os.path.relpath(cmd[1], PROJECT_DIR), *cmd[2:]]),
        "limit": limit,
        "load": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        "summary": last_json_line(proc.stdout),
    }
    reports.mkdir(parents=True, exist_ok=True)
    cache_path(reports, system, qlang).write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    return record


def cached(reports: Path, systems: list[str]) -> list[dict[str, Any]]:
    """The cached records of ``systems``, in the order system x qlang."""
    out = []
    for system in systems:
        for qlang in QLANGS:
            path = cache_path(reports, system, qlang)
            if path.is_file():
                out.append(json.loads(path.read_text()))
    return out
