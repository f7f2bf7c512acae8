"""The cover set as releases: one image per discogs release, all its genre labels, and a split by release.

251 releases of ../shared/data/covers sit in two or more genre folders (250 of them with the same image). Each
such release is kept once (the file of its alphabetically first genre) with all its genres; its pairs take turns
over those genres, and the whole release goes to one split, so no cover leaks across train/val/test.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from pipeline.data_errors import DatasetError

SPLITS: Final = ("train", "val", "test")
DEFAULT_RATIOS: Final = (0.8, 0.1, 0.1)
IMAGE_SUFFIXES: Final = frozenset({".jpg", ".jpeg", ".png", ".webp"})
_DISCOGS_NAME = re.compile(r"^R-(\d+)-")


@dataclass(frozen=True)
class Release:
    """One cover image and every genre it was filed under."""

    release_id: str
    path: Path
    genres: tuple[str, ...]


def _index_rows(covers_dir: Path) -> pd.DataFrame:
    index = covers_dir / "index.csv"
    if index.is_file():
        frame = pd.read_csv(index, dtype=str)
        missing = {"path", "genre", "discogs_release_id"} - set(frame.columns)
        if missing:
            raise DatasetError(f"{index} lacks column(s) {', '.join(sorted(missing))}")
        return frame.dropna(subset=["path", "genre", "discogs_release_id"])
    # No index: genre folders of images; the release id is the discogs number in "R-<id>-..." or the file stem.
    rows = []
    for genre_dir in sorted(p for p in covers_dir.iterdir() if p.is_dir()):
        for image in sorted(genre_dir.iterdir()):
            if image.suffix.lower() in IMAGE_SUFFIXES:
                match = _DISCOGS_NAME.match(image.name)
                release = match.group(1) if match else image.stem
                rows.append(
                    {"path": f"{genre_dir.name}/{image.name}", "genre": genre_dir.name, "discogs_release_id": release}
                )
    return pd.DataFrame(rows, columns=["path", "genre", "discogs_release_id"])


def read_releases(covers_dir: Path) -> list[Release]:
    """The releases under covers_dir (index.csv or genre folders), sorted by release id."""
    if not covers_dir.is_dir():
        raise DatasetError(f"covers folder {covers_dir} does not exist")
    rows = _index_rows(covers_dir)
    if rows.empty:
        raise DatasetError(f"no cover images found under {covers_dir} (expected genre folders or index.csv)")
    releases = []
    for release_id, group in rows.sort_values(["genre", "path"]).groupby("discogs_release_id", sort=True):
        first = covers_dir / str(group["path"].iloc[0])
        if not first.is_file():
            raise DatasetError(f"index lists {first.relative_to(covers_dir)} but the file is missing")
        releases.append(Release(release_id=str(release_id), path=first, genres=tuple(sorted(set(group["genre"])))))
    return releases


def stable_order(items: Iterable[str], *, seed: int) -> list[str]:
    """A shuffle of `items` that depends only on (seed, item): a sort by a keyed hash, not on input order."""
    return sorted(items, key=lambda item: hashlib.blake2b(f"{seed}:{item}".encode(), digest_size=8).digest())


def assign_splits(
    releases: Sequence[Release], *, seed: int, ratios: Sequence[float] = DEFAULT_RATIOS
) -> dict[str, str]:
    """release_id -> train/val/test, stratified by genre set, deterministic under `seed`."""
    if len(ratios) != len(SPLITS) or any(r < 0 for r in ratios) or not np.isclose(sum(ratios), 1.0):
        raise DatasetError(f"split ratios must be three non-negative numbers summing to 1, got {list(ratios)}")
    strata: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for release in releases:
        strata[release.genres].append(release.release_id)
    assignment: dict[str, str] = {}
    for _, ids in sorted(strata.items()):
        ordered = stable_order(ids, seed=seed)
        cut_train = round(len(ordered) * ratios[0])
        cut_val = cut_train + round(len(ordered) * ratios[1])
        for position, release_id in enumerate(ordered):
            assignment[release_id] = "train" if position < cut_train else "val" if position < cut_val else "test"
    return assignment
