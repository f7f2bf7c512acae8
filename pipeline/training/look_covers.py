"""The covers the genre-look fine-tune reads: one image per release, split by release exactly as `pressedplay
dataset build` splits, squashed once and kept as uint8 in memory; their augmentation; and the small package of
them a GPU machine is sent.

A release filed under several genres counts as right when the look names any of them. The colour statistics the
head reads are taken from the un-augmented cover.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from PIL import Image

from pipeline.data.covers import assign_splits, read_releases
from services.inference.model.transforms import colour_stats


@dataclass
class CoverSplit:
    """One split's covers: (n, 3, s, s) uint8 pixels, (n, g) multi-hot genres, (n, 3) colour stats."""

    pixels: torch.Tensor
    genres: torch.Tensor
    colour: torch.Tensor
    release_ids: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.pixels.shape[0])


def load_covers(covers_dir: Path, *, genres: tuple[str, ...], size: int, seed: int = 0) -> dict[str, CoverSplit]:
    """Every release's first cover, squashed to `size`, grouped by the dataset's split of releases."""
    releases = read_releases(covers_dir)
    splits = assign_splits(releases, seed=seed)
    index = {g: i for i, g in enumerate(genres)}
    grouped: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray, str]]] = {"train": [], "val": [], "test": []}
    for release in releases:
        known = [index[g] for g in release.genres if g in index]
        if not known:
            continue
        with Image.open(release.path) as opened:
            image = opened.convert("RGB").resize((size, size), Image.Resampling.BILINEAR)
        multi_hot = np.zeros(len(genres), dtype=np.float32)
        multi_hot[known] = 1.0
        pixels = np.asarray(image).transpose(2, 0, 1).copy()
        grouped[splits[release.release_id]].append(
            (pixels, multi_hot, colour_stats(image).as_array(), release.release_id)
        )
    out = {}
    for split, rows in grouped.items():
        out[split] = CoverSplit(
            pixels=torch.from_numpy(np.stack([r[0] for r in rows])) if rows else torch.empty(0, 3, size, size),
            genres=torch.from_numpy(np.stack([r[1] for r in rows])) if rows else torch.empty(0, len(genres)),
            colour=torch.from_numpy(np.stack([r[2] for r in rows])) if rows else torch.empty(0, 3),
            release_ids=[r[3] for r in rows],
        )
    return out


def augment(pixels: torch.Tensor, *, scale: tuple[float, float], generator: torch.Generator) -> torch.Tensor:
    """Per image: a random resized crop (area `scale`, aspect 3/4-4/3) back to the same size, and a random flip."""
    n, _, height, width = pixels.shape
    out = torch.empty(pixels.shape, dtype=torch.float32, device=pixels.device)
    for i in range(n):
        area = height * width * float(torch.empty(1).uniform_(*scale, generator=generator))
        ratio = math.exp(float(torch.empty(1).uniform_(math.log(3 / 4), math.log(4 / 3), generator=generator)))
        h = min(height, max(8, round(math.sqrt(area / ratio))))
        w = min(width, max(8, round(math.sqrt(area * ratio))))
        top = int(torch.randint(0, height - h + 1, (1,), generator=generator))
        left = int(torch.randint(0, width - w + 1, (1,), generator=generator))
        crop = pixels[i : i + 1, :, top : top + h, left : left + w].float()
        crop = F.interpolate(crop, size=(height, width), mode="bilinear", align_corners=False)
        out[i] = crop[0].flip(-1) if bool(torch.randint(0, 2, (1,), generator=generator)) else crop[0]
    return out


def pack_covers(covers_dir: Path, out: Path, *, size: int = 224, quality: int = 70) -> int:
    """Every release's first cover squashed to `size` as WebP + an index.csv: what a GPU machine is sent. At quality
    70 the shared covers take ~24 MB, which with the repository (~12 MB) and the wheels the device lacks (~21 MB)
    stays under its 64 MiB. Returns the number of covers written."""
    releases = read_releases(covers_dir)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "index.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "genre", "discogs_release_id"])
        for release in releases:
            name = f"{release.release_id}.webp"
            with Image.open(release.path) as opened:
                opened.convert("RGB").resize((size, size), Image.Resampling.BILINEAR).save(out / name, quality=quality)
            for genre in release.genres:
                writer.writerow([name, genre, release.release_id])
    return len(releases)
