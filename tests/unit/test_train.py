"""Training on a tiny synthetic shard set: checkpoints per epoch, resume, early stopping, clear data errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import torch

from pipeline.data.examples import InvalidDataset, check_release_split, read_rows, shard_files, subsample
from pipeline.resumable import ResumeRefused
from pipeline.training import run as run_module
from pipeline.training.epochs import train_epoch
from pipeline.training.train import TrainConfig, train
from services.inference.model.checkpoint import load_checkpoint
from tests.unit.model_fixtures import write_synthetic_shards


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_shards(tmp_path_factory.mktemp("shards"), releases_per_genre=2, pairs=2)


def _config(shards: Path, out: Path, **overrides: object) -> TrainConfig:
    settings: dict[str, object] = {
        "architecture": "seed-cnn",
        "data": shards,
        "out": out,
        "epochs": 2,
        "batch_size": 4,
        "lr": 1e-3,
        "cache_dir": None,
        "progress": False,
        "per_release": {"train": 0, "val": 0, "test": 0},
    }
    settings.update(overrides)
    return TrainConfig(**settings)  # type: ignore[arg-type]


@pytest.mark.slow
def test_training_writes_a_checkpoint_per_epoch_a_loss_curve_and_the_best_model(shards: Path, tmp_path: Path) -> None:
    result = train(_config(shards, tmp_path))
    assert sorted(p.name for p in (tmp_path / "checkpoints").iterdir()) == ["epoch-001.pt", "epoch-002.pt"]
    assert (tmp_path / "loss_curve.png").read_bytes()[:4] == b"\x89PNG"
    model = load_checkpoint(tmp_path / "model.pt")
    assert model.training["epoch"] == result.best_epoch
    assert model.training["data"]["train"]["examples"] == 12
    assert model.training["data"]["split_key"] == "release_id"
    assert len(result.history) == 2


@pytest.mark.slow
def test_resume_continues_after_the_last_finished_epoch(shards: Path, tmp_path: Path) -> None:
    train(_config(shards, tmp_path, epochs=1))
    resumed = train(_config(shards, tmp_path, epochs=2, resume=True))
    assert [row["epoch"] for row in resumed.history] == [1.0, 2.0]
    assert (tmp_path / "checkpoints" / "epoch-002.pt").is_file()


@pytest.mark.slow
def test_a_run_interrupted_after_an_epoch_resumes_to_the_weights_of_a_run_that_never_stopped(
    shards: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # effnet-vae's head draws from torch's generator (dropout, the latent sample): the same weights after a resume
    # need that generator restored, not only the weights and the optimiser.
    settings = {"architecture": "effnet-vae", "epochs": 3, "patience": 10}
    unbroken = train(_config(shards, tmp_path / "unbroken", **settings))
    real_epoch = train_epoch  # what the run calls

    def stop_in_epoch_two(*args: object, **kwargs: object) -> float:
        if kwargs["epoch"] == 2:
            raise KeyboardInterrupt
        return real_epoch(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run_module, "train_epoch", stop_in_epoch_two)
    with pytest.raises(KeyboardInterrupt):
        train(_config(shards, tmp_path / "stopped", **settings))
    monkeypatch.setattr(run_module, "train_epoch", real_epoch)
    assert torch.load(tmp_path / "stopped" / "train-state.pt", weights_only=True)["epoch"] == 1
    capsys.readouterr()
    resumed = train(_config(shards, tmp_path / "stopped", resume=True, progress=True, **settings))
    watched = capsys.readouterr().err  # what a person watching the run sees
    assert "train: epoch 2/3, loss " in watched and "val_loss" in watched and "left" in watched
    assert "epoch 1/3" not in watched
    assert [r["val_loss"] for r in resumed.history] == [r["val_loss"] for r in unbroken.history]
    for key, value in unbroken.checkpoint.state_dict.items():
        assert torch.equal(value, resumed.checkpoint.state_dict[key]), key


@pytest.mark.slow
def test_resuming_with_other_settings_is_refused_naming_them(shards: Path, tmp_path: Path) -> None:
    train(_config(shards, tmp_path, epochs=1))
    with pytest.raises(ResumeRefused, match=r"lr: saved 0\.001, asked 0\.01"):
        train(_config(shards, tmp_path, epochs=2, lr=1e-2, resume=True))


@pytest.mark.slow
def test_same_seed_gives_the_same_weights(shards: Path, tmp_path: Path) -> None:
    a = train(_config(shards, tmp_path / "a", epochs=1, architecture="effnet-vae"))
    b = train(_config(shards, tmp_path / "b", epochs=1, architecture="effnet-vae"))
    for key, value in a.checkpoint.state_dict.items():
        assert torch.equal(value, b.checkpoint.state_dict[key])


@pytest.mark.slow
def test_training_stops_early_when_validation_stops_improving(shards: Path, tmp_path: Path) -> None:
    # A learning rate of zero never improves on the first epoch, so patience 2 stops after epoch 3.
    result = train(_config(shards, tmp_path, epochs=10, lr=0.0, patience=2, architecture="effnet-vae"))
    assert len(result.history) == 3
    assert result.best_epoch == 1


def test_no_shards_is_an_error_that_says_how_to_build_them(tmp_path: Path) -> None:
    with pytest.raises(InvalidDataset, match="pressedplay dataset build"):
        shard_files(tmp_path)


def test_shards_missing_columns_are_rejected_naming_them(shards: Path, tmp_path: Path) -> None:
    table = pq.read_table(next(shards.rglob("*.parquet"))).drop(["release_id"])
    pq.write_table(table, tmp_path / "bad.parquet")
    with pytest.raises(InvalidDataset, match="release_id"):
        read_rows([tmp_path / "bad.parquet"])


def test_a_release_in_two_splits_is_rejected_as_a_leak() -> None:
    rows = pd.DataFrame({"release_id": ["1", "1", "2"], "split": ["train", "test", "train"]})
    with pytest.raises(InvalidDataset, match="several splits"):
        check_release_split(rows)


def test_subsampling_keeps_at_most_k_rows_per_release_reproducibly() -> None:
    rows = pd.DataFrame({"release_id": ["a"] * 4 + ["b"] * 3, "n": range(7)})
    picked = subsample(rows, per_release=2, seed=0)
    assert picked.groupby("release_id").size().to_dict() == {"a": 2, "b": 2}
    assert picked.equals(subsample(rows, per_release=2, seed=0))
    assert len(subsample(rows, per_release=0, seed=0)) == 7


def test_genre_mean_targets_replace_each_target_by_its_genres_mean() -> None:
    import numpy as np

    from pipeline.data.examples import Examples

    targets = np.array([[0.0] * 8, [1.0] * 8, [0.5] * 8], dtype=np.float32)
    examples = Examples(
        inputs=torch.zeros(3, 1),
        stats=np.zeros((3, 3), np.float32),
        targets=targets,
        genres=np.array(["Pop", "Pop", "Rock"], dtype=object),
        release_ids=np.array(["a", "b", "c"], dtype=object),
    )
    assert np.allclose(examples.genre_mean_targets(), [[0.5] * 8, [0.5] * 8, [0.5] * 8])
    assert np.allclose(examples.release_mean_targets(), targets)
