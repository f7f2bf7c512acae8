"""The heat map the page shows (mood_map.py) passes the sanity checks of the saliency literature, on the shipped
model as served: it explains the answer exactly, it changes when the head's weights are randomised (Adebayo et al.,
"Sanity checks for saliency maps", 2018), and its peak follows a subject moved to random places (the pointing game,
Zhang et al., 2016)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from PIL import Image

from pipeline.mood.heat_checks import pointing_game, randomised_head_maps, rank_correlation
from pipeline.mood.scenes import OBJECTS, night_street, object_on_plain, sunset
from services.inference.model.architectures import EffnetVAE
from services.inference.model.mood_map import stage_contributions
from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor

POINTING_TRIALS = 15  # per object kind: 60 scenes
POINTING_BAR = 0.8


@pytest.fixture(scope="module")
def served() -> Predictor:
    """The shipped model on the path the service runs (ONNX Runtime on the CPU)."""
    return Predictor.load(DEFAULT_MODEL_PATH, device="cpu")


def _stage_maps(predictor: Predictor, images: list[Image.Image]) -> list[torch.Tensor]:
    assert isinstance(predictor.model, EffnetVAE)
    with torch.inference_mode():
        return predictor.model.backbone.stage_maps(predictor.checkpoint.transform.batch(images))


def test_the_map_splits_the_mood_exactly_among_the_positions(served: Predictor) -> None:
    assert isinstance(served.model, EffnetVAE) and served.model.mood is not None
    maps = _stage_maps(served, [sunset(), night_street()])
    with torch.inference_mode():
        cam = stage_contributions(served.model.mood, maps)
        pooled = torch.cat([m.mean(dim=(2, 3)) for m in maps], dim=1)
        unclipped = served.model.mood.linear((pooled - served.model.mood.input_mean) / served.model.mood.input_std)
    assert cam.shape == (2, 2, 28, 28)
    moved = (unclipped - served.model.mood.linear.bias).detach().numpy()
    assert np.allclose(cam.mean(dim=(2, 3)).numpy(), moved, atol=1e-4)


def test_the_served_map_is_non_negative_sums_to_one_and_matches_the_eager_path(served: Predictor) -> None:
    assert served.backend == "onnx"
    eager = Predictor(served.checkpoint, copy.deepcopy(served.model), device="cpu", backend="eager")
    photos = [sunset(), night_street()]
    fast, plain = served.outputs(photos), eager.outputs(photos)
    assert fast.attention.shape == (2, 28, 28)
    assert (fast.attention >= 0).all() and np.allclose(fast.attention.sum(axis=(1, 2)), 1.0, atol=1e-4)
    assert np.allclose(fast.attention, plain.attention, atol=1e-5)
    assert fast.mood is not None and plain.mood is not None and np.allclose(fast.mood, plain.mood, atol=1e-4)


def test_the_peak_lands_on_an_object_pasted_at_random_places_at_least_80_percent_of_the_time(
    served: Predictor,
) -> None:
    hits = pointing_game(served, trials_per_kind=POINTING_TRIALS)
    rate = sum(hits.values()) / (POINTING_TRIALS * len(OBJECTS))
    assert rate >= POINTING_BAR, f"peak on the object in {rate:.0%} of scenes ({hits} of {POINTING_TRIALS} each)"


def test_the_map_changes_when_the_heads_weights_are_randomised(served: Predictor) -> None:
    rng = np.random.default_rng(5)
    photos = [sunset(), night_street(), *(object_on_plain(rng, kind=kind)[0] for kind in OBJECTS)]
    trained, random = randomised_head_maps(served, photos)
    correlations = [rank_correlation(a, b) for a, b in zip(trained, random, strict=True)]
    assert np.mean(correlations) < 0.5, f"rank correlations with the randomised head: {np.round(correlations, 2)}"
    assert all(not np.allclose(a, b, atol=1e-4) for a, b in zip(trained, random, strict=True))
