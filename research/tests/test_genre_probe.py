"""The genre probe (research/genre_probe.py): committed decoding, grouped cross-validation, stage pooling."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.base import BaseEstimator, ClassifierMixin

from research.genre_probe import classifier, committed_decode, cv_accuracy, feature_matrix, stage_pools

CENTROIDS = np.array([[0.2, 0.2, 0.5], [0.8, 0.3, 0.5], [0.5, 0.9, 0.4]])


def nearest(points: np.ndarray) -> np.ndarray:
    return ((points[:, None, :] - CENTROIDS[None]) ** 2).sum(-1).argmin(1)


def test_committed_decode_lands_in_the_likeliest_genres_region() -> None:
    rng = np.random.default_rng(0)
    posterior = rng.dirichlet(np.ones(3), size=50)
    decoded = committed_decode(posterior, CENTROIDS, margin=0.02)
    assert (nearest(decoded) == posterior.argmax(1)).all()
    assert ((decoded >= 0) & (decoded <= 1)).all()


def test_committed_decode_of_a_certain_posterior_is_that_genres_centroid() -> None:
    decoded = committed_decode(np.array([[0.0, 1.0, 0.0]]), CENTROIDS)
    np.testing.assert_allclose(decoded[0], CENTROIDS[1], atol=1e-6)


def test_committed_decode_hedges_no_more_than_the_region_allows() -> None:
    # Genre 0 leads but the weighted median (0.5, 0.3, 0.5) is nearer genre 1: the answer crosses into genre 0's
    # region only as far as needed, far from its centroid.
    decoded = committed_decode(np.array([[0.4, 0.35, 0.25]]), CENTROIDS, margin=0.02)
    assert nearest(decoded)[0] == 0
    assert np.abs(decoded[0] - CENTROIDS[0]).sum() > 0.1


def test_committed_decode_keeps_pinned_features_and_falls_back_when_infeasible() -> None:
    posterior = np.array([[0.6, 0.3, 0.1], [0.6, 0.3, 0.1]])
    # Row 0 can still reach genre 0's region; row 1's pinned first feature (1.0) is deep in genre 1's.
    pinned = {0: np.array([0.3, 1.0]), 2: np.array([0.5, 0.5])}
    decoded = committed_decode(posterior, CENTROIDS, fixed=pinned)
    assert decoded[0, 0] == pytest.approx(0.3) and decoded[1, 0] == pytest.approx(1.0)
    assert nearest(decoded[:1])[0] == 0
    assert np.isclose(decoded[1, 1], CENTROIDS[:, 1]).any()  # the weighted median of the free feature


def test_cv_accuracy_tells_signal_from_noise() -> None:
    rng = np.random.default_rng(1)
    y = np.repeat(np.array(["a", "b", "c"]), 60)
    signal = rng.normal(size=(180, 4)) + np.repeat(np.eye(3, 4) * 3, 60, axis=0)
    noise = rng.normal(size=(180, 4))
    good, _ = cv_accuracy(signal, y, make_classifier=classifier("lr:1.0"))
    chance, _ = cv_accuracy(noise, y, make_classifier=classifier("lr:1.0"))
    assert good > 0.9
    assert chance < 0.55


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """Records the first column of what each fold fits and predicts on (the column holds a release number)."""

    def __init__(self, log: list[tuple[str, np.ndarray]] | None = None) -> None:
        self.log = log

    def fit(self, x: np.ndarray, y: np.ndarray) -> RecordingClassifier:
        assert self.log is not None
        self.log.append(("fit", x[:, 0].copy()))
        self.classes_ = np.unique(y)
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        assert self.log is not None
        self.log.append(("predict", x[:, 0].copy()))
        return np.full(len(x), "a")


def test_cv_accuracy_keeps_extra_copies_of_held_out_releases_out_of_training() -> None:
    # 30 releases, one folded row each; releases 0-19 also have two extra copies (rows marked by column 1 = 1).
    # Each fold must train on no row of a held-out release, and on the copies instead of the folded row.
    groups = np.array([f"r{i}" for i in range(30)])
    y = np.repeat(np.array(["a", "b", "c"]), 10)
    x = np.stack([np.arange(30.0), np.zeros(30)], axis=1)
    extra_x = np.concatenate([np.stack([np.arange(20.0), np.ones(20)], axis=1)] * 2)
    extra = (extra_x, np.concatenate([y[:20]] * 2), np.concatenate([groups[:20]] * 2))
    log: list[tuple[str, np.ndarray]] = []
    cv_accuracy(x, y, make_classifier=lambda: RecordingClassifier(log), extra=extra, groups=groups)
    assert [kind for kind, _ in log] == ["fit", "predict"] * 5
    from sklearn.model_selection import StratifiedKFold

    folds = StratifiedKFold(5, shuffle=True, random_state=0).split(x, y)  # the split cv_accuracy draws (seed 0)
    for (_, fitted), (_, held), (_, held_idx) in zip(log[::2], log[1::2], folds, strict=True):
        # The scaler fitted on the training rows maps equal release numbers to equal values on both sides.
        assert not set(np.round(fitted, 9)) & set(np.round(held, 9))
        # Trained: 2 copies of each of the 20 - k releases with copies (k of them held out), and the single folded
        # row of each of the 4 + k others: 44 - k rows, never a folded row beside its copies.
        k = int((held_idx < 20).sum())
        assert len(held) == 6 and len(fitted) == 44 - k


def test_classifier_rejects_unknown_kinds() -> None:
    with pytest.raises(SystemExit, match="lr:C or svm:C"):
        classifier("forest:3")


def test_feature_matrix_selects_means_stats_and_whole_blocks() -> None:
    arrays = {"train__f1": np.arange(8, dtype=np.float16).reshape(2, 4), "train__stats": np.ones((2, 3), np.float32)}
    assert feature_matrix(arrays, "train", ["f1m"]).tolist() == [[0, 1], [4, 5]]
    assert feature_matrix(arrays, "train", ["f1", "stats"]).shape == (2, 7)


@pytest.mark.slow
def test_stage_pools_cover_every_stage_of_lite0() -> None:
    from research.genre_probe import load_backbone

    net = load_backbone("lite0")
    with torch.inference_mode():
        pools = stage_pools(net, torch.zeros(1, 3, 224, 224))
    # Lite0's seven stages (16, 24, 40, 80, 112, 192, 320 channels) + the 1280-channel head, mean and std each.
    assert [p.shape[1] for p in pools] == [32, 48, 80, 160, 224, 384, 640, 2560]
