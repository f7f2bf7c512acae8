"""Generated covers and small track pools for the dataset builder's tests (no ../shared needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from pipeline.data.pairing import TrackPool


def write_covers(root: Path, layout: dict[str, list[str]], *, size: int = 80, index: bool = False) -> Path:
    """Folders of random-colour covers named like Discogs files (R-<release>-...); optionally an index.csv."""
    rows = ["path,genre,discogs_release_id"]
    for genre, releases in layout.items():
        (root / genre).mkdir(parents=True, exist_ok=True)
        for release in releases:
            rng = np.random.default_rng(int(release))
            pixels = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
            name = f"R-{release}-1500000000-1234-jpeg.jpg"
            Image.fromarray(pixels).save(root / genre / name)
            rows.append(f"{genre}/{name},{genre},{release}")
    if index:
        (root / "index.csv").write_text("\n".join(rows) + "\n")
    return root


def make_pools(genres: list[str], *, tracks: int = 12) -> dict[str, TrackPool]:
    """One pool per genre whose track ids start with the genre and whose first feature encodes it."""
    pools = {}
    for number, genre in enumerate(sorted(genres)):
        features = np.full((tracks, 8), 0.5, dtype=np.float32)
        features[:, 0] = number / 10
        features[:, 1] = np.arange(tracks) / tracks
        ids = tuple(f"{genre}-{i}" for i in range(tracks))
        pools[genre] = TrackPool(genre=genre, source="test", track_ids=ids, features=features)
    return pools
