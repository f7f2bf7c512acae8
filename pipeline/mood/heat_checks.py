"""The sanity checks of the heat map (services/inference/model/mood_map.py), from the saliency literature, as
functions the tests assert on and `python -m research.model_figures` reports:

- the pointing game (Zhang et al., 2016): an object pasted at a random place on a plain background; a hit when the
  map's hottest cell lies on it;
- model randomisation (Adebayo et al., "Sanity checks for saliency maps", 2018): the mood head's weights replaced
  by random ones of the same spread; a map that explains the model must change (rank correlation near 0).
"""

from __future__ import annotations

import copy

import numpy as np
import torch
from PIL import Image

from pipeline.mood.scenes import OBJECTS, object_on_plain
from services.inference.model.architectures import EffnetVAE
from services.inference.model.mood_map import mood_map
from services.inference.model.predictor import Predictor


def peak_on(heat: np.ndarray, box: tuple[int, int, int, int], size: int) -> bool:
    """Whether the hottest cell's centre lies on the box (half a cell of slack: a cell straddles its edge)."""
    rows, cols = heat.shape
    row, col = np.unravel_index(int(heat.argmax()), heat.shape)
    y, x = (row + 0.5) * size / rows, (col + 0.5) * size / cols
    slack = size / rows / 2
    left, top, right, bottom = box
    return bool(left - slack <= x <= right + slack and top - slack <= y <= bottom + slack)


def pointing_game(predictor: Predictor, *, trials_per_kind: int = 15, seed: int = 22) -> dict[str, int]:
    """Hits per object kind over `trials_per_kind` scenes each, on the model as served."""
    rng = np.random.default_rng(seed)
    hits: dict[str, int] = {}
    for kind in OBJECTS:
        scenes = [object_on_plain(rng, kind=kind) for _ in range(trials_per_kind)]
        predictions = predictor.predict([scene for scene, _ in scenes], with_attention=True)
        hits[kind] = sum(
            peak_on(prediction.attention, box, size=scene.width)
            for (scene, box), prediction in zip(scenes, predictions, strict=True)
            if prediction.attention is not None
        )
    return hits


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation of two maps' cells."""
    ranks_a, ranks_b = a.ravel().argsort().argsort(), b.ravel().argsort().argsort()
    return float(np.corrcoef(ranks_a, ranks_b)[0, 1])


def randomised_head_maps(
    predictor: Predictor, photos: list[Image.Image], *, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The maps of the trained mood head and of one whose weights are random with the same spread."""
    model = predictor.model
    if not isinstance(model, EffnetVAE) or model.mood is None:
        raise ValueError("the heat map needs a checkpoint with a mood head")
    randomised = copy.deepcopy(model.mood)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        weight = randomised.linear.weight
        weight.copy_(torch.randn(weight.shape, generator=generator) * weight.std())
    with torch.inference_mode():
        maps = model.backbone.stage_maps(predictor.checkpoint.transform.batch(photos))
        _, trained = mood_map(model.mood, maps)
        _, random = mood_map(randomised, maps)
    return trained.numpy(), random.numpy()
