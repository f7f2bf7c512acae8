"""`pressedplay train` runs unchanged under torchrun: two CPU processes with gloo train one model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from services.inference.model.checkpoint import load_checkpoint
from tests.unit.model_fixtures import write_synthetic_shards


@pytest.mark.slow
def test_two_gloo_processes_train_one_model_and_only_rank_zero_writes_it(tmp_path: Path) -> None:
    shards = write_synthetic_shards(tmp_path / "shards", releases_per_genre=2, pairs=2)
    out = tmp_path / "run"
    command = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node=2", "--module",
        "pipeline.cli", "train", "--arch", "seed-cnn", "--data", str(shards), "--out", str(out), "--epochs", "2",
        "--batch-size", "4", "--per-release", "0", "0", "0", "--no-cache", "--no-progress", "--device", "cpu",
        "--threads", "1",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    checkpoint = load_checkpoint(out / "model.pt")
    assert checkpoint.training["world_size"] == 2
    assert "test" in checkpoint.metrics
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == ["epoch-001.pt", "epoch-002.pt"]
    assert done.stdout.count('"version"') == 1  # one report, from rank 0
