"""Offline quality of the recommender, with held-out catalog tracks as targets (`pressedplay recommend-quality`).

Each query holds one track out of the catalog, asks for n tracks with the held-out track's features (and, in the
genre configurations, its first seed genre), and measures: genre precision (results sharing that genre), mean
feature distance to the target (the recommender's weighted distance), intra-list diversity (mean pairwise distance
within the list), the most tracks by one artist, and catalogue coverage (distinct tracks recommended over all
queries / catalog size). Random playlists from the target's genre, and from the whole catalog, are the baselines.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from services.playlist.genres.mapping import load_genre_mapper
from services.playlist.recommend.catalog import (
    DEFAULT_CATALOG_PATH,
    Catalog,
    read_catalog_frame,
    validate_catalog_frame,
)
from services.playlist.recommend.recommender import Recommender, parse_request
from shared.features import AUDIO_FEATURES

# (label, genre use, diversity)
CONFIGS: tuple[tuple[str, str | None, float], ...] = (
    ("features only, diversity 0.3", None, 0.3),
    ("genre filter, diversity 0", "filter", 0.0),
    ("genre filter, diversity 0.3 (default)", "filter", 0.3),
    ("genre filter, diversity 0.7", "filter", 0.7),
    ("genre boost, diversity 0.3", "boost", 0.3),
)


@dataclass
class Tally:
    """Per-configuration accumulators."""

    precision: list[float] = field(default_factory=list)
    distance: list[float] = field(default_factory=list)
    diversity: list[float] = field(default_factory=list)
    artist_max: list[int] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)

    def add(self, rows: np.ndarray, *, target: np.ndarray, genre: str, rec: Recommender) -> None:
        """Score one playlist given as catalog rows."""
        catalog = rec.catalog
        vectors = rec.vectors[rows] / rec.unit
        self.precision.append(float(np.mean([genre in catalog.genres[r] for r in rows])))
        self.distance.append(float(np.sqrt(((vectors - target) ** 2).sum(axis=1)).mean()))
        pair = np.sqrt(((vectors[:, None] - vectors[None]) ** 2).sum(axis=-1))
        self.diversity.append(float(pair[np.triu_indices(len(rows), k=1)].mean()) if len(rows) > 1 else 0.0)
        _, counts = np.unique(catalog.artists[rows].astype(str), return_counts=True)
        self.artist_max.append(int(counts.max()))
        self.seen.update(int(r) for r in rows)

    def summary(self, catalog_size: int) -> dict[str, float]:
        """Means over queries, and coverage."""
        out = {
            "genre_precision": float(np.mean(self.precision)),
            "mean_distance": float(np.mean(self.distance)),
            "intra_list_distance": float(np.mean(self.diversity)),
            "max_tracks_per_artist": float(np.max(self.artist_max)),
            "coverage": len(self.seen) / catalog_size,
        }
        if self.latency_ms:
            out["p50_ms"] = float(np.percentile(self.latency_ms, 50))
        return out


def evaluate(*, catalog_path: Path | None, queries: int, n: int, seed: int) -> dict[str, Any]:
    """Run every configuration and the baselines over the same held-out queries; returns numbers and a table."""
    path = catalog_path or DEFAULT_CATALOG_PATH
    frame = validate_catalog_frame(read_catalog_frame(path), source=path.name)
    rng = np.random.default_rng(seed)
    has_genre = np.flatnonzero([len(g) > 0 for g in frame["genres"]])
    held = np.sort(rng.choice(has_genre, size=min(queries, has_genre.size // 10), replace=False))
    targets = frame.iloc[held]
    train = Catalog.from_frame(frame.drop(frame.index[held]).reset_index(drop=True), source=str(path))
    rec = Recommender(train, load_genre_mapper())
    row_of = {track_id: row for row, track_id in enumerate(train.track_ids)}
    tallies = {label: Tally() for label, _, _ in CONFIGS}
    baselines = {"random within genre": Tally(), "random from catalog": Tally()}
    for _, target in targets.iterrows():
        features = {name: float(target[name]) for name in AUDIO_FEATURES}
        genre = str(target["genres"][0])
        point = rec.to_space(np.array([features[f] for f in AUDIO_FEATURES])) / rec.unit
        for label, use, diversity in CONFIGS:
            request = parse_request(
                {
                    "features": features,
                    "genres": [genre] if use else None,
                    "genre_match": use or "filter",
                    "n": n,
                    "diversity": diversity,
                }
            )
            start = time.perf_counter()
            result = rec.recommend(request)
            tallies[label].latency_ms.append((time.perf_counter() - start) * 1000)
            rows = np.array([row_of[t.id] for t in result.tracks])
            tallies[label].add(rows, target=point, genre=genre, rec=rec)
        members = train.genre_rows.get(genre, np.arange(len(train)))
        pick = rng.choice(members, size=min(n, members.size), replace=False)
        baselines["random within genre"].add(pick, target=point, genre=genre, rec=rec)
        anywhere = rng.choice(len(train), size=n, replace=False)
        baselines["random from catalog"].add(anywhere, target=point, genre=genre, rec=rec)
    results = {label: t.summary(len(train)) for label, t in (tallies | baselines).items()}
    return {
        "catalog": path.name,
        "tracks": len(train),
        "queries": len(held),
        "n": n,
        "seed": seed,
        "results": results,
        "table": _table(results, queries=len(held), n=n, tracks=len(train)),
    }


def _table(results: dict[str, dict[str, float]], *, queries: int, n: int, tracks: int) -> str:
    head = (
        f"{queries} held-out tracks as targets, n = {n}, catalog of {tracks} tracks\n\n"
        "| configuration | genre precision | mean distance to target | intra-list distance | max per artist "
        "| coverage | p50 ms |\n|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for label, r in results.items():
        p50 = f"{r['p50_ms']:.1f}" if "p50_ms" in r else "-"
        lines.append(
            f"| {label} | {r['genre_precision']:.3f} | {r['mean_distance']:.3f} | {r['intra_list_distance']:.3f} "
            f"| {r['max_tracks_per_artist']:.0f} | {r['coverage']:.3f} | {p50} |"
        )
    return "\n".join(lines)
