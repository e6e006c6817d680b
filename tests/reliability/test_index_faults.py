"""The index survives a killed ingest, a corrupt folder and a second writer."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import rag
from rag.index.store import IndexError_, get_store, reset_stores

ROOT = Path(__file__).resolve().parents[2]


def _write_docs(docs: Path, n: int = 12) -> None:
    for i in range(n):
        (docs / f"d{i:02d}.txt").write_text(
            f"Document {i} is about the city number {i}.\nIt signed agreement {i * 7} in 20{i:02d}.\n"
        )


def _records(settings) -> list[str]:
    return sorted(get_store(settings).get_all()["ids"])


def _run(code: str, settings) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new process with ``settings`` in the environment."""
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "RAG_DOCS_DIR": str(settings.docs_dir),
        "RAG_INDEX_DIR": str(settings.index_dir),
        "RAG_EMBED_MODEL": settings.embed_model,
    }
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize("kill_at", ["between documents", "inside a document"])
def test_ingest_killed_with_sigkill_then_run_again_converges_to_a_clean_index(
    docs, hash_settings, tmp_path, kill_at
):
    _write_docs(docs)
    # the child writes some documents, then kills itself with SIGKILL in the middle of the work
    partial = "nodes[: len(nodes) // 2]" if kill_at == "inside a document" else "nodes"
    killed = _run(
        f"""
        import os, signal
        import rag
        from rag.index.store import Store
        calls = [0]
        original = Store.add
        def add(self, nodes):
            calls[0] += 1
            if calls[0] == 5:
                original(self, {partial})
                os.kill(os.getpid(), signal.SIGKILL)
            original(self, nodes)
        Store.add = add
        rag.ingest(progress=False)
        """,
        hash_settings,
    )
    assert killed.returncode == -9, killed.stderr
    reset_stores()
    report = rag.ingest(settings=hash_settings, progress=False)
    assert report.updated or report.added  # the half-written part was found and redone
    after_kill = _records(hash_settings)
    clean = hash_settings.model_copy(update={"index_dir": tmp_path / "clean"})
    assert rag.ingest(settings=clean, progress=False).chunks_total == report.chunks_total == 12
    assert after_kill == _records(clean)  # no duplicates, none missing
    assert get_store(hash_settings).stats().docs_key == get_store(clean).stats().docs_key


def test_a_corrupt_index_is_moved_aside_and_rebuilt_from_the_documents(docs, hash_settings, caplog):
    _write_docs(docs, 3)
    rag.ingest(settings=hash_settings, progress=False)
    reset_stores()
    sqlite = Path(hash_settings.index_dir) / "chroma" / "chroma.sqlite3"
    sqlite.write_bytes(b"this is not a database" * 100)
    answer = rag.ask("agreement 7", settings=hash_settings)
    assert answer.answered
    broken = list(Path(hash_settings.index_dir).glob("chroma.broken-*"))
    assert len(broken) == 1 and (broken[0] / "chroma.sqlite3").exists()  # kept, not deleted
    assert "could not be opened" in caplog.text


def test_a_second_writer_waits_then_is_refused_with_a_message(docs, hash_settings):
    _write_docs(docs, 2)
    rag.ingest(settings=hash_settings, progress=False)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            sys.path.insert(0, {str(ROOT)!r})
            from rag.settings import Settings
            from rag.index.store import get_store
            s = Settings(
                docs_dir={str(docs)!r}, index_dir={str(hash_settings.index_dir)!r}, embed_model="hash:256"
            )
            lock = get_store(s).acquire_writer(wait=5)
            print("locked", flush=True)
            time.sleep(6)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        t0 = time.monotonic()
        with pytest.raises(IndexError_, match="another process is writing"):
            rag.api.pipeline.ingest(hash_settings, progress=False, lock_wait=1.0)
        assert 0.9 <= time.monotonic() - t0 < 5
    finally:
        holder.kill()
        holder.wait()
    assert rag.ingest(settings=hash_settings, progress=False).unchanged  # and the index is intact


def test_disk_full_during_an_update_keeps_the_previous_version_answering(docs, hash_settings, monkeypatch):
    import errno

    from rag.index.store import Store

    (docs / "a.txt").write_text("Hanoi signed an agreement with Saint Petersburg in March 2025.\n")
    rag.ingest(settings=hash_settings, progress=False)
    (docs / "a.txt").write_text("Hanoi signed an agreement with the UNDP in September 2025.\n")

    def full(self, nodes):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Store, "add", full)
    with pytest.raises(OSError, match="No space left"):
        rag.ingest(settings=hash_settings, progress=False)
    answer = rag.ask("Saint Petersburg agreement", settings=hash_settings)
    assert answer.answered and "Petersburg" in answer.citations[0].quote
    monkeypatch.undo()
    report = rag.ingest(settings=hash_settings, progress=False)  # space again: the update goes through
    assert report.updated == ["a.txt"]
    texts = get_store(hash_settings).get_all(include=["documents"])["documents"]
    assert not any("Petersburg" in t for t in texts)
