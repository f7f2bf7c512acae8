"""scripts/cpu-look-finetune.sh end to end on tiny synthetic data (covers, rated photos, model dataset, base model):
every step runs and writes where docs/model.md says, the summary ends with a verdict, a rerun skips what is done,
and a busy machine is refused before the fine-tune starts. The real run (~2 h on an idle CPU) is not run here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.paths import REPO_ROOT
from tests.unit.model_fixtures import mood_checkpoint, write_cover_folders, write_rated_photos, write_synthetic_shards

SCRIPT = REPO_ROOT / "scripts" / "cpu-look-finetune.sh"


def _environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    tiny = {
        "PY": sys.executable,
        "OMP_NUM_THREADS": "1",
        "LOOK_OUT": str(tmp_path / "out"),
        "LOOK_BASE": str(tmp_path / "base.pt"),
        "LOOK_COVERS": str(tmp_path / "covers"),
        "LOOK_AFFECT": str(tmp_path / "affect"),
        "LOOK_DATA": str(tmp_path / "data"),
        "LOOK_CACHE": str(tmp_path / "cache"),
        "LOOK_EPOCHS": "2",
        "LOOK_IMAGE_SIZE": "32",
        "LOOK_BATCH": "8",
        "LOOK_MICRO_BATCH": "4",
        "LOOK_THREADS": "1",
        "LOOK_PHOTOS": "10",
        "LOOK_MAX_LOAD": "1000",  # the test shares its machine; the real run wants an idle one
    }
    return {**os.environ, **tiny, **overrides}


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    write_cover_folders(tmp_path / "covers")
    write_rated_photos(tmp_path / "affect")
    write_synthetic_shards(tmp_path / "data", releases_per_genre=2, pairs=2)
    mood_checkpoint(tmp_path / "base.pt")
    return tmp_path


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=540)


@pytest.mark.slow
def test_the_script_runs_every_step_ends_with_a_verdict_and_a_rerun_skips_what_is_done(inputs: Path) -> None:
    env = _environment(inputs)
    first = _run(env)
    assert first.returncode == 0, first.stderr[-3000:]
    out = inputs / "out"
    for name in (
        "run-state.pt",
        "look.pt",
        "effnet-vae.pt",
        "effnet-vae.onnx",
        "evaluate.json",
        "mood-report.json",
        "served-look.json",
        "served-look-parent.json",
    ):
        assert (out / name).is_file(), name
    assert "look finetune: epoch 2/2, loss " in (out / "finetune.log").read_text()
    verdict = (out / "summary.txt").read_text().splitlines()[-1]
    assert verdict.startswith(("SHIP: ", "DO NOT SHIP: ")), verdict
    again = _run(env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "1/4" not in again.stdout and "2/4" not in again.stdout and "3/4" not in again.stdout
    assert (out / "summary.txt").read_text().splitlines()[-1] == verdict
    assert list((inputs / "cache").glob("affect/*.npz")) and list((inputs / "cache").glob("train-inputs/*"))


@pytest.mark.slow
def test_a_busy_machine_is_refused_before_the_fine_tune_starts(inputs: Path) -> None:
    refused = _run(_environment(inputs, LOOK_MAX_LOAD="-1"))
    assert refused.returncode == 3 and "needs an idle machine" in refused.stderr
    assert not (inputs / "out" / "run-state.pt").exists()
