"""The mood-head variants (research/mood_heads.py) on planted signals: each is scored by the fit's own nested CV."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.mood.fit import out_of_fold, spearman
from research.mood_heads import (
    WIDTH,
    reduced_rank,
    stacked_learner,
    stage_scale,
    view_learner,
)
from services.inference.model.backbone import LITE0_STAGE_CHANNELS
from services.inference.model.mood_head import ridge_fit, ridge_predict

PHOTOS = 60


def _planted(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stage means driven by three hidden factors: valence follows the first, arousal the second, "joy" the first."""
    rng = np.random.default_rng(seed)
    hidden = rng.normal(size=(PHOTOS, 3))
    x = hidden @ rng.normal(size=(3, WIDTH)) + rng.normal(0, 0.3, (PHOTOS, WIDTH))
    ratings = np.stack([5 + 1.5 * hidden[:, 0], 5 + 0.8 * hidden[:, 1]], axis=1) + rng.normal(0, 0.2, (PHOTOS, 2))
    shares = rng.dirichlet(np.ones(7), PHOTOS)
    shares[:, 3] = 1 / (1 + np.exp(-hidden[:, 0]))
    return x, ratings.clip(1, 9), shares


def test_at_gamma_one_every_stage_weighs_the_same_whatever_its_width() -> None:
    scale = stage_scale(1.0)
    start = 0
    for width in LITE0_STAGE_CHANNELS:
        assert (scale[start : start + width] ** 2).sum() == pytest.approx(1.0)
        start += width
    assert np.allclose(stage_scale(0.0), 1.0)


def test_reduced_rank_at_full_rank_is_the_ridge_itself() -> None:
    x, ratings, shares = _planted()
    targets = np.hstack([ratings, shares])
    full = reduced_rank(x, targets, alpha=50.0, rank=targets.shape[1])(x)
    plain = ridge_predict(ridge_fit(x, targets, alpha=50.0), x)
    assert np.allclose(full, plain, atol=1e-3)
    assert not np.allclose(reduced_rank(x, targets, alpha=50.0, rank=1)(x), plain, atol=1e-2)


def test_the_stacked_and_multi_view_heads_read_a_planted_mood_out_of_fold() -> None:
    x, ratings, shares = _planted()
    stacked = out_of_fold(np.hstack([x, shares]), ratings, learner=stacked_learner(0))
    assert spearman(stacked[:, 0], ratings[:, 0]) > 0.8
    views = np.stack([x, x + np.random.default_rng(1).normal(0, 0.3, x.shape)], axis=1)
    for augment, tta in ((True, False), (False, True)):
        pred = out_of_fold(views, ratings, learner=view_learner(0, augment=augment, tta=tta))
        assert spearman(pred[:, 0], ratings[:, 0]) > 0.8 and spearman(pred[:, 1], ratings[:, 1]) > 0.5
