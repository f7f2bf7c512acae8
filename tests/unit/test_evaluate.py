"""Evaluation metrics on hand-made predictions, where the right answers are known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from pipeline.data.examples import Examples
from pipeline.evaluation.evaluate import EvalReport, genre_centroids, plot_confusion, r_squared, render_table, score


def _examples(genres: list[str], targets: np.ndarray) -> Examples:
    n = len(genres)
    return Examples(
        inputs=torch.zeros(n, 1),
        stats=np.zeros((n, 3), np.float32),
        targets=targets.astype(np.float32),
        genres=np.array(genres, dtype=object),
        release_ids=np.array([str(i) for i in range(n)], dtype=object),
    )


@pytest.fixture
def train_and_test() -> tuple[Examples, Examples]:
    rng = np.random.default_rng(0)
    centres = {"Pop": np.full(8, 0.7), "Rock": np.full(8, 0.3)}
    genres = ["Pop"] * 10 + ["Rock"] * 10
    train = _examples(genres, np.stack([centres[g] + rng.normal(0, 0.05, 8) for g in genres]))
    test = _examples(genres[:4] + genres[-4:], np.stack([centres[g] for g in genres[:4] + genres[-4:]]))
    return train, test


def test_centroids_are_the_mean_training_targets_per_genre(train_and_test: tuple[Examples, Examples]) -> None:
    train, _ = train_and_test
    genres, centroids = genre_centroids(train)
    assert genres == ["Pop", "Rock"]
    assert np.allclose(centroids[0], train.targets[:10].mean(axis=0))


def test_predicting_each_genres_centroid_scores_full_accuracy_and_beats_the_global_mean(
    train_and_test: tuple[Examples, Examples],
) -> None:
    train, test = train_and_test
    _, centroids = genre_centroids(train)
    pred = np.stack([centroids[0]] * 4 + [centroids[1]] * 4)
    report = score(pred, test, train, version="v", architecture="a")
    assert report.genre_accuracy == 1.0
    assert report.centroid_mae == pytest.approx(0.0, abs=1e-6)
    assert report.centroid_gain == pytest.approx(1.0)
    assert report.confusion == [[4, 0], [0, 4]]
    assert report.mean_mae < report.mean_baseline_mae


def test_predicting_the_global_mean_has_no_centroid_gain_and_zero_r2(train_and_test: tuple[Examples, Examples]) -> None:
    train, test = train_and_test
    pred = np.repeat(test.targets.mean(axis=0, keepdims=True), len(test), axis=0)
    report = score(pred, test, train, version="v", architecture="a")
    assert all(abs(v) < 1e-6 for v in report.r2.values())
    assert report.centroid_gain == pytest.approx(0.0, abs=0.05)


def test_swapped_genres_land_off_the_diagonal(train_and_test: tuple[Examples, Examples]) -> None:
    train, test = train_and_test
    _, centroids = genre_centroids(train)
    pred = np.stack([centroids[1]] * 4 + [centroids[0]] * 4)
    report = score(pred, test, train, version="v", architecture="a")
    assert report.genre_accuracy == 0.0
    assert report.confusion == [[0, 4], [4, 0]]


def test_r_squared_is_one_for_perfect_predictions() -> None:
    truth = np.random.default_rng(1).uniform(0, 1, (20, 3))
    assert np.allclose(r_squared(truth, truth), 1.0)


def test_an_empty_held_out_split_is_an_error(train_and_test: tuple[Examples, Examples]) -> None:
    train, _ = train_and_test
    empty = _examples([], np.zeros((0, 8)))
    with pytest.raises(ValueError, match="held-out split is empty"):
        score(np.zeros((0, 8)), empty, train, version="v", architecture="a")


def test_report_renders_as_a_table_and_a_confusion_png(
    train_and_test: tuple[Examples, Examples], tmp_path: Path
) -> None:
    train, test = train_and_test
    report: EvalReport = score(test.targets, test, train, version="v1", architecture="effnet-vae")
    assert "genre accuracy (nearest centroid, chance 50%)" in render_table(report)
    assert plot_confusion(report, tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_evaluate_command_prints_the_report_and_writes_metrics_and_confusion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from pipeline.cli import main
    from pipeline.training.train import TrainConfig, train
    from tests.unit.model_fixtures import write_synthetic_shards

    shards = write_synthetic_shards(tmp_path / "shards", releases_per_genre=2, pairs=1)
    every = {"train": 0, "val": 0, "test": 0}
    config = TrainConfig(data=shards, out=tmp_path / "run", epochs=2, batch_size=4, cache_dir=None, progress=False,
                         per_release=every)  # fmt: skip
    model = train(config).model_path
    args = ["evaluate", str(model), "--data", str(shards), "--per-release", "0", "0", "0", "--json"]
    assert main([*args, "--cache-dir", str(tmp_path / "cache"), "--out", str(tmp_path / "eval")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["examples"] == 6
    assert report["genres"] == ["Country", "Electronic", "Rock"]
    assert set(report["mae"]) == set(report["baseline_mae"]) == set(report["r2"])
    assert 0.0 <= report["extra"]["genre_look_top1"] <= 1.0
    assert (tmp_path / "eval" / "confusion.png").is_file() and (tmp_path / "eval" / "metrics.json").is_file()
