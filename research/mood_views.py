"""Backbone passes over the rated photos under other views than the served one, for `research/mood_heads.py`'s
multi-view pooling: the photo mirrored, the photo squashed to other sizes (Lite0 is fully convolutional and the
mood head reads means over positions, so any size gives the same 2,064 numbers), and crops.

Each view's pooled stage means (n, 2064) are cached under var/cache/mood-views/<model version>-<view>.npz, batch by
batch (`ChunkStore`), so a pass stopped part-way continues where it was. At one thread on this 2-core machine, with
other work running, a 224 px pass over the 994 dev-half photos takes ~4-8 min; 288 px ~1.7x that, 160 px half.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageOps

from pipeline.mood.fit import _open, read_ratings
from pipeline.resumable import ChunkStore, PassLog
from services.inference.model.architectures import EffnetVAE
from services.inference.model.predictor import Predictor
from services.inference.model.transforms import ImageTransform
from shared.paths import REPO_ROOT

CACHE = REPO_ROOT / "var" / "cache" / "mood-views"
BATCH = 16


def _crop(fraction: float, corner: str) -> Callable[[Image.Image], Image.Image]:
    """A crop keeping `fraction` of each side, at the centre or at a corner ('tl', 'tr', 'bl', 'br')."""

    def crop(image: Image.Image) -> Image.Image:
        width, height = image.size
        w, h = round(width * fraction), round(height * fraction)
        left = {"c": (width - w) // 2, "tl": 0, "bl": 0, "tr": width - w, "br": width - w}[corner]
        top = {"c": (height - h) // 2, "tl": 0, "tr": 0, "bl": height - h, "br": height - h}[corner]
        return image.crop((left, top, left + w, top + h))

    return crop


def _same(image: Image.Image) -> Image.Image:
    return image


# view name -> (input size, what is done to the photo before the served squash-resize)
VIEWS: dict[str, tuple[int, Callable[[Image.Image], Image.Image]]] = {
    "orig224": (224, _same),  # the served view: checks the cache against the shipped pipeline
    "flip224": (224, ImageOps.mirror),
    "orig288": (288, _same),
    "flip288": (288, ImageOps.mirror),
    "orig160": (160, _same),
    **{f"crop80{c}": (224, _crop(0.8, c)) for c in ("c", "tl", "tr", "bl", "br")},
    # the served view, pooled as the mean of each stage output's square: still a mean over positions of something
    # computed at each position, so a head linear in it keeps an exact per-position heat map
    "square224": (224, _same),
}


def view_stages(predictor: Predictor, root: Path, view: str, *, cache: Path = CACHE) -> np.ndarray:
    """(n, 2064) pooled stage means of every rated photo under `view`, in ratings.csv order (cached)."""
    path = cache / f"{predictor.version}-{view}.npz"
    if path.is_file():
        stages: np.ndarray = np.load(path)["stages"]
        return stages
    model = predictor.model
    if not isinstance(model, EffnetVAE):
        raise ValueError("multi-view pooling needs an effnet-vae checkpoint")
    size, change = VIEWS[view]
    base = predictor.checkpoint.transform
    transform = ImageTransform(size=size, mean=base.mean, std=base.std)
    files = read_ratings(root)["file"].tolist()
    store = ChunkStore(path.with_suffix(".part"))
    watch = PassLog(f"view {view}", len(files))
    chunks = []
    for start in range(0, len(files), BATCH):
        kept = store.load(start)
        if kept is None:
            images = [change(_open(root / "images" / name)) for name in files[start : start + BATCH]]
            with torch.inference_mode():
                maps = model.backbone.stage_maps(transform.batch(images))
                power = 2 if view.startswith("square") else 1
                pooled = torch.cat([(stage**power).mean(dim=(2, 3)) for stage in maps], dim=1)
            kept = {"stages": pooled.float().numpy()}
            store.save(start, kept)
            watch.chunk_done(min(start + BATCH, len(files)), computed=len(images))
        chunks.append(kept["stages"])
    stages = np.concatenate(chunks)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, stages=stages)
    store.clear()
    return stages
