"""Read and describe training shards: ours (with genre/split columns) and the original's (cover + features only)."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from PIL import Image, UnidentifiedImageError

from pipeline.data_errors import DatasetError
from shared.features import AUDIO_FEATURES, N_FEATURES

UNLABELLED = "-"


def shard_files(path: Path) -> list[Path]:
    """The Parquet files at `path`: the file itself, or every *.parquet below a folder, sorted."""
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(path.rglob("*.parquet"))
        if files:
            return files
        raise DatasetError(f"no .parquet files under {path}")
    raise DatasetError(f"{path} does not exist")


def read_dataset(path: Path, *, split: str | None = None, columns: list[str] | None = None) -> pd.DataFrame:
    """All rows of the shards at `path` (optionally one split); the original's files get genre/split '-'."""
    frames: list[pd.DataFrame] = []  # pyarrow is untyped: to_pandas() gives Any
    for file in shard_files(path):
        available = set(pq.read_schema(file).names)
        if not {"cover", "features"} <= available:
            raise DatasetError(f"{file} is not a training shard: it lacks the cover and features columns")
        wanted = [c for c in (columns or ["cover", "features", "genre", "release_id", "split", "track_id"])]
        frame = pq.read_table(file, columns=[c for c in wanted if c in available]).to_pandas()
        for missing in (c for c in wanted if c not in available):
            frame[missing] = UNLABELLED
        frames.append(frame[wanted])
    data = pd.concat(frames, ignore_index=True)
    if split is not None:
        data = data[data["split"] == split].reset_index(drop=True)
    return data


@dataclass
class DatasetReport:
    """Counts per split and genre, feature ranges, and a look at one cover."""

    files: int
    rows: int
    counts: dict[str, dict[str, int]]
    releases_per_split: dict[str, int]
    releases_in_several_splits: int
    feature_means: dict[str, float]
    feature_min: dict[str, float]
    feature_max: dict[str, float]
    cover_size: tuple[int, int] | None
    problems: list[str] = field(default_factory=list)

    def render(self) -> str:
        """A plain-text table for the terminal and docs/data.md."""
        genres = sorted({g for per in self.counts.values() for g in per})
        lines = [f"{self.rows} rows in {self.files} file(s); cover size {self.cover_size}", ""]
        lines.append(f"{'split':<8}" + "".join(f"{g:>12}" for g in genres) + f"{'total':>9}{'releases':>10}")
        for split, per in self.counts.items():
            cells = "".join(f"{per.get(g, 0):>12}" for g in genres)
            releases = self.releases_per_split.get(split, 0)
            lines.append(f"{split:<8}{cells}{sum(per.values()):>9}{releases:>10}")
        lines.append(f"releases in more than one split: {self.releases_in_several_splits}")
        lines.append("")
        lines.append(f"{'feature':<18}{'mean':>10}{'min':>10}{'max':>10}")
        for name in AUDIO_FEATURES:
            mean, low, high = self.feature_means[name], self.feature_min[name], self.feature_max[name]
            lines.append(f"{name:<18}{mean:>10.3f}{low:>10.3f}{high:>10.3f}")
        lines.extend(f"problem: {p}" for p in self.problems)
        return "\n".join(lines)


def inspect_dataset(path: Path) -> DatasetReport:
    """Describe the shards at `path` (our builder's folder, one shard, or the original's sampleset2.parquet)."""
    files = shard_files(path)
    data = read_dataset(path, columns=["features", "genre", "release_id", "split"])
    if data.empty:
        raise DatasetError(f"{path} holds no rows")
    problems = []
    lengths = data["features"].map(len)
    if (lengths != N_FEATURES).any():
        problems.append(f"{int((lengths != N_FEATURES).sum())} row(s) do not have {N_FEATURES} features")
    features = np.stack([np.asarray(f, dtype=np.float64) for f in data["features"] if len(f) == N_FEATURES])
    counts: dict[str, dict[str, int]] = {}
    for (split, genre), n in sorted(Counter(zip(data["split"], data["genre"], strict=True)).items()):
        counts.setdefault(split, {})[genre] = n
    labelled = data[data["release_id"] != UNLABELLED]
    splits_per_release = labelled.groupby("release_id")["split"].nunique()
    first_cover = pq.read_table(files[0], columns=["cover"]).column("cover")[0].as_py()
    try:
        with Image.open(io.BytesIO(first_cover)) as image:
            size: tuple[int, int] | None = image.size
    except (UnidentifiedImageError, OSError):
        size = None
        problems.append(f"the first cover of {files[0].name} is not a decodable image")
    return DatasetReport(
        files=len(files),
        rows=len(data),
        counts=counts,
        releases_per_split={str(s): int(n) for s, n in labelled.groupby("split")["release_id"].nunique().items()},
        releases_in_several_splits=int((splits_per_release > 1).sum()),
        feature_means=dict(zip(AUDIO_FEATURES, map(float, features.mean(axis=0)), strict=True)),
        feature_min=dict(zip(AUDIO_FEATURES, map(float, features.min(axis=0)), strict=True)),
        feature_max=dict(zip(AUDIO_FEATURES, map(float, features.max(axis=0)), strict=True)),
        cover_size=size,
        problems=problems,
    )
