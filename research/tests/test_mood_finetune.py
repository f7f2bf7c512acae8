"""The mood fine-tune probe (research/mood_finetune.py): its split of the backbone is exact, its training moves the
tail only as far as the drift penalty lets it, and its read-out predicts photos it did not train on."""

from __future__ import annotations

import argparse

import numpy as np
import pytest
import torch

from pipeline.mood.fit import spearman
from research.mood_finetune import Tail, fine_tune, tail_means, trunk_pass
from services.inference.model.backbone import Lite0Features

PHOTOS = 24


@pytest.fixture(scope="module")
def backbone() -> Lite0Features:
    torch.manual_seed(0)
    return Lite0Features(pretrained=True).eval()


def _views(backbone: Lite0Features, before: int) -> tuple[list[dict[str, np.ndarray]], np.ndarray]:
    generator = torch.Generator().manual_seed(1)
    light = torch.linspace(0.2, 1.0, PHOTOS)[torch.randperm(PHOTOS, generator=generator)]  # photos differ in light
    images = torch.rand(PHOTOS, 3, 64, 64, generator=generator) * light[:, None, None, None]
    with torch.inference_mode():
        maps, means = trunk_pass(backbone, images, before)
        mirrored, mirrored_means = trunk_pass(backbone, images.flip(-1), before)
    views = [
        {"maps": maps.numpy(), "means": means.numpy()},
        {"maps": mirrored.numpy(), "means": mirrored_means.numpy()},
    ]
    return views, images.mean(dim=(1, 2, 3)).numpy()


@pytest.mark.parametrize("before", [5, 11])
def test_trunk_and_tail_give_exactly_the_served_stage_means(backbone: Lite0Features, before: int) -> None:
    images = torch.rand(3, 3, 64, 64, generator=torch.Generator().manual_seed(2))
    with torch.inference_mode():
        _, served = backbone.forward_with_stages(images)
        maps, means = trunk_pass(backbone, images, before)
        split = torch.cat([means, Tail(backbone, before)(maps)], dim=1)
    assert split.shape == served.shape == (3, 2064)
    assert torch.allclose(split, served, atol=1e-5)


def _settings(**changes: float) -> argparse.Namespace:
    base = {"seed": 0, "epochs": 8, "lr": 1e-5, "emotion": 0.5, "preserve": 0.0}
    return argparse.Namespace(**{**base, **changes})


def test_fine_tuning_moves_the_tail_as_far_as_the_penalty_lets_it(backbone: Lite0Features) -> None:
    views, brightness = _views(backbone, 11)
    ids = np.arange(PHOTOS)
    ratings = np.stack([5 + 8 * (brightness - brightness.mean()), 5 - 8 * (brightness - brightness.mean())], axis=1)
    shares = np.random.default_rng(0).dirichlet(np.ones(7), PHOTOS)
    parent = Tail(backbone, 11)
    before = tail_means(parent, views[0]["maps"])
    free = fine_tune(parent, views, ids, ratings, shares, _settings()).tail
    held = fine_tune(parent, views, ids, ratings, shares, _settings(preserve=100.0)).tail
    moved_free = np.abs(tail_means(free, views[0]["maps"]) - before).mean()
    moved_held = np.abs(tail_means(held, views[0]["maps"]) - before).mean()
    assert moved_free > 0  # it trained
    assert moved_held < moved_free / 2
    assert np.allclose(tail_means(parent, views[0]["maps"]), before)  # the parent is untouched


def test_the_joint_read_out_predicts_unseen_photos_on_the_ratings_scale(backbone: Lite0Features) -> None:
    """Trained on two thirds of the photos, the read-out (what `--read-out joint` scores) ranks the other third's
    planted valence and arousal, in the ratings' own units (its standardising is undone)."""
    views, brightness = _views(backbone, 11)
    ratings = np.stack([5 + 8 * (brightness - brightness.mean()), 5 - 8 * (brightness - brightness.mean())], axis=1)
    shares = np.random.default_rng(0).dirichlet(np.ones(7), PHOTOS)
    train, unseen = np.arange(16), np.arange(16, PHOTOS)
    tuned = fine_tune(Tail(backbone, 11), views, train, ratings[train], shares[train], _settings(epochs=2))
    means = np.hstack([views[0]["means"][unseen], tail_means(tuned.tail, views[0]["maps"][unseen])])
    read = tuned.readout(means)
    assert read.shape == (len(unseen), 2)
    assert spearman(read[:, 0], ratings[unseen, 0]) > 0.6
    assert spearman(read[:, 1], ratings[unseen, 1]) > 0.6
    assert np.abs(read - ratings[unseen]).mean() < ratings.std(axis=0).mean()  # not z-scores, not off by the centre
