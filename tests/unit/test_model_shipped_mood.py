"""The shipped mood head against the rated photos it was fitted on (../shared): it is reproduced exactly by
`pressedplay mood fit`, and its mood follows people's ratings. Slow (one backbone pass over ~1,000 photos)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from pipeline.mood.fit import AffectSet, extract, fit_mood, spearman
from services.inference.model.architectures import EffnetVAE
from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor

pytestmark = [pytest.mark.slow, pytest.mark.needs_shared]


@pytest.fixture(scope="module")
def shipped() -> Predictor:
    return Predictor.load(DEFAULT_MODEL_PATH, device="cpu")


@pytest.fixture(scope="module")
def affect(shared_data: Path, shipped: Predictor, tmp_path_factory: pytest.TempPathFactory) -> AffectSet:
    root = shared_data / "affect" / "emotion6-dev"
    if not root.is_dir():
        pytest.skip(f"needs the rated affect photos at {root}; absent here")
    return extract(shipped, root, cache_dir=tmp_path_factory.mktemp("affect-cache"))


def test_mood_fit_on_the_dev_photos_reproduces_the_shipped_mood_head_and_mapping(
    shipped: Predictor, affect: AffectSet
) -> None:
    refit, _ = fit_mood(shipped.checkpoint, affect, seed=shipped.checkpoint.training["mood"]["seed"])
    shipped_state = shipped.checkpoint.mood_state or {}
    assert set(refit.mood_state or {}) == set(shipped_state)
    for key, tensor in (refit.mood_state or {}).items():
        assert torch.allclose(tensor, shipped_state[key], atol=1e-4), key
    assert refit.feature_mapping is not None and shipped.checkpoint.feature_mapping is not None
    # The shipped mapping has no spread calibration, and a plain refit adds none (docs/model.md says why).
    assert refit.feature_mapping.served_quantiles is None
    assert shipped.checkpoint.feature_mapping.served_quantiles is None
    assert np.allclose(
        refit.feature_mapping.mood_quantiles, shipped.checkpoint.feature_mapping.mood_quantiles, atol=1e-3
    )
    assert np.allclose(
        refit.feature_mapping.catalog_quantiles, shipped.checkpoint.feature_mapping.catalog_quantiles, atol=1e-5
    ), "data/catalog.parquet changed since the model was fitted: rerun `pressedplay mood fit` (docs/model.md)"


def test_the_shipped_mood_follows_peoples_ratings_of_the_photos_it_learned_from(
    shipped: Predictor, affect: AffectSet
) -> None:
    assert isinstance(shipped.model, EffnetVAE) and shipped.model.mood is not None
    with torch.no_grad():
        mood = shipped.model.mood(torch.from_numpy(affect.stages)).numpy()
    # In-sample, so higher than the cross-validated 0.74 / 0.33 in docs/model.md: this guards against a broken
    # head or a mismatched backbone, not a claim of accuracy.
    assert spearman(mood[:, 0], affect.ratings[:, 0]) > 0.8
    assert spearman(mood[:, 1], affect.ratings[:, 1]) > 0.5
