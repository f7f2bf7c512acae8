"""The genre probe (pipeline/genre_probe.py): committed decoding, grouped cross-validation, stage pooling."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pipeline.genre_probe import classifier, committed_decode, cv_accuracy, feature_matrix, stage_pools

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


def test_cv_accuracy_keeps_extra_copies_of_held_out_releases_out_of_training() -> None:
    # The extra copies carry a label that contradicts the folded rows: if a held-out release's copies leaked into
    # training, a 1-nearest-neighbour-like classifier would get those releases wrong.
    rng = np.random.default_rng(2)
    groups = np.array([f"r{i}" for i in range(90)])
    y = np.repeat(np.array(["a", "b", "c"]), 30)
    x = rng.normal(size=(90, 3)) + np.repeat(np.eye(3) * 4, 30, axis=0)
    extra_x = np.concatenate([x, x])
    extra_y = np.concatenate([y, y])
    extra_groups = np.concatenate([groups, groups])
    acc, _ = cv_accuracy(
        x, y, make_classifier=classifier("svm:1"), extra=(extra_x, extra_y, extra_groups), groups=groups
    )
    assert acc > 0.9


def test_classifier_rejects_unknown_kinds() -> None:
    with pytest.raises(SystemExit, match="lr:C or svm:C"):
        classifier("forest:3")


def test_feature_matrix_selects_means_stats_and_whole_blocks() -> None:
    arrays = {"train__f1": np.arange(8, dtype=np.float16).reshape(2, 4), "train__stats": np.ones((2, 3), np.float32)}
    assert feature_matrix(arrays, "train", ["f1m"]).tolist() == [[0, 1], [4, 5]]
    assert feature_matrix(arrays, "train", ["f1", "stats"]).shape == (2, 7)


@pytest.mark.slow
def test_stage_pools_cover_every_stage_of_lite0() -> None:
    from pipeline.genre_probe import load_backbone

    net = load_backbone("lite0")
    with torch.inference_mode():
        pools = stage_pools(net, torch.zeros(1, 3, 224, 224))
    # Lite0's seven stages (16, 24, 40, 80, 112, 192, 320 channels) + the 1280-channel head, mean and std each.
    assert [p.shape[1] for p in pools] == [32, 48, 80, 160, 224, 384, 640, 2560]
