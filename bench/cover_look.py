"""The genre look's own metric for each CPU path: top-1 accuracy on the held-out album covers.

`python -m bench backends` reports how often a path's top-1 genre agrees with eager fp32 on rated photos; the
metric the genre look is judged by (docs/model.md) is its accuracy on covers it never saw. Those covers come from
var/model-dataset (`pressedplay dataset build`, from ../shared/data/covers): absent in a clone, and then the table
says so instead of a number.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bench import cpu_paths
from services.inference.model.image_io import decode_image
from services.inference.model.predictor import Predictor
from shared.paths import REPO_ROOT

DATASET = REPO_ROOT / "var" / "model-dataset"


def held_out_covers(predictor: Predictor, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(image batch, colour stats, genre index) of a split's covers, one per release; None when not built."""
    folder = DATASET / split
    if not folder.is_dir():
        return None
    frame = pd.read_parquet(folder, columns=["cover", "genre", "release_id"]).drop_duplicates("release_id")
    photos = [decode_image(data) for data in frame["cover"]]
    images, stats = cpu_paths.model_inputs(predictor, photos)
    look = predictor.predict(photos[:1])[0].genre_look  # the order of the genre look's columns
    assert look is not None
    genres = list(look)
    return images, stats, np.array([genres.index(genre) for genre in frame["genre"]])


def accuracy_rows(predictor: Predictor, paths: dict[str, cpu_paths.Run]) -> list[str]:
    """A markdown table: each path's top-1 accuracy (with its standard error) on the val and test covers."""
    splits = {split: held_out_covers(predictor, split) for split in ("val", "test")}
    if all(found is None for found in splits.values()):
        return [f"(no held-out covers: {DATASET.relative_to(REPO_ROOT)} is not built here)"]
    lines = ["| path | " + " | ".join(f"{s} top-1 (n)" for s in splits) + " | test top-1 agreed with eager fp32 |"]
    lines.append("|---|" + "---|" * (len(splits) + 1))
    reference: np.ndarray | None = None  # the first path's (eager fp32's) test answers
    for name, run in paths.items():
        cells, agreed = [], "-"
        for split, found in splits.items():
            if found is None:
                cells.append("-")
                continue
            images, stats, truth = found
            top1 = np.concatenate([run(images[i : i + 32], stats[i : i + 32])[2] for i in range(0, len(images), 32)])
            top1 = top1.argmax(axis=1)
            accuracy = float((top1 == truth).mean())
            se = math.sqrt(accuracy * (1 - accuracy) / len(truth))
            cells.append(f"{accuracy:.1%} ± {se:.1%} ({len(truth)})")
            if split == "test":
                reference = top1 if reference is None else reference
                agreed = f"{float((top1 == reference).mean()):.1%}"
        cells.append(agreed)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines
