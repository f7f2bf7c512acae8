"""Turn a `pressedplay collect` folder into dataset jobs: each playlist cover paired with each of its tracks.

This is the original's pairing (one cover, every track of its playlist, one distorted copy per track). A playlist
plays the part of a release (split key: the playlist id) and its genre label is the collected user's id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pipeline.data.covers import DEFAULT_RATIOS, Release, assign_splits
from pipeline.data.dataset import CoverJob, Pair
from pipeline.data_errors import DatasetError
from shared.features import N_FEATURES


def collection_jobs(collection_dir: Path, *, seed: int, ratios: Sequence[float] = DEFAULT_RATIOS) -> list[CoverJob]:
    """One CoverJob per collected playlist, pairing its cover with each of its tracks."""
    records = sorted((collection_dir / "playlists").glob("*.json"))
    if not records:
        raise DatasetError(f"{collection_dir} holds no collected playlists (run `pressedplay collect` first)")
    releases: list[Release] = []
    pairs: dict[str, tuple[Pair, ...]] = {}
    for path in records:
        record = json.loads(path.read_text())
        label = str(record.get("owner") or "spotify")
        tracks = [t for t in record.get("tracks", []) if len(t.get("features", [])) == N_FEATURES]
        if not tracks:
            continue
        releases.append(Release(str(record["id"]), collection_dir / record["cover_file"], (label,)))
        pairs[str(record["id"])] = tuple(Pair(label, str(t["id"]), tuple(map(float, t["features"]))) for t in tracks)
    splits = assign_splits(releases, seed=seed, ratios=ratios)
    return [CoverJob(r.release_id, r.path, splits[r.release_id], pairs[r.release_id]) for r in releases]
