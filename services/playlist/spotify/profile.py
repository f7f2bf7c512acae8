"""The user's genre profile: seed-genre weights from their Spotify listening, and the few genres picked from it.

As in the original: top artists over the three time ranges, de-duplicated, their micro-genres mapped through the
genre map. Recent listening weighs more (an artist counts once, at the weight of its most recent range). Artist
genres are often empty for development-mode apps in 2026, so when they give nothing the catalog's genres of the
top tracks' artists are used, and failing that a default mix; `source` says which. Up to five seed genres are
drawn with probability proportional to weight^1.5 (the original's sampling), so "mix it up" draws again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import numpy as np

from services.playlist.genres.mapping import GenreMapper
from services.playlist.recommend.catalog import Catalog
from services.playlist.recommend.credits import artist_key
from shared.spotify_account import GenreProfile, ProfileSource

TIME_RANGE_WEIGHTS: Final = {"short_term": 3.0, "medium_term": 2.0, "long_term": 1.0}
MAX_PICKED: Final = 5
SAMPLING_POWER: Final = 1.5
MAX_COUNTS_SHOWN: Final = 20
# Broad, well-stocked genres for a listener we know nothing about yet.
DEFAULT_MIX: Final = {"pop": 3.0, "indie": 2.0, "rock": 2.0, "hip-hop": 2.0, "electronic": 1.5, "r-n-b": 1.0}


class UserGenreProfile(GenreProfile):
    """A user's genre profile as the playlist service keeps it: the shared contract plus whose it is."""

    user_id: str


def weigh_artists(pages: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[tuple[Mapping[str, Any], float]]:
    """Each artist once, at the weight of the most recent range it appears in; in range order, then rank."""
    seen: dict[str, tuple[Mapping[str, Any], float]] = {}
    for time_range, weight in TIME_RANGE_WEIGHTS.items():
        for artist in pages.get(time_range, ()):
            key = str(artist.get("id") or artist.get("name") or "")
            if key and key not in seen:
                seen[key] = (artist, weight)
    return list(seen.values())


def counts_from_artist_genres(
    artists: Iterable[tuple[Mapping[str, Any], float]], mapper: GenreMapper
) -> dict[str, float]:
    """Seed-genre weights from the artists' own (micro-)genres mapped through the genre map."""
    counts: defaultdict[str, float] = defaultdict(float)
    for artist, weight in artists:
        for name in artist.get("genres") or ():
            for seed in mapper.map(str(name)):
                counts[seed] += weight
    return dict(counts)


def counts_from_catalog(artist_names: Iterable[tuple[str, float]], catalog: Catalog) -> dict[str, float]:
    """Seed-genre weights from our catalog's tracks that credit these artists: alone, in a joint credit ("A, B") or
    featured in the title, names compared as credits.py compares them."""
    wanted: dict[str, float] = {}
    for name, weight in artist_names:
        key = artist_key(name)
        if key:
            wanted[key] = max(weight, wanted.get(key, 0.0))
    counts: defaultdict[str, float] = defaultdict(float)
    for key, weight in wanted.items():
        rows = catalog.rows_by_artist.get(key)
        if rows is None:
            continue
        per_artist: Counter[str] = Counter(g for row in rows.tolist() for g in catalog.genres[row])
        total = sum(per_artist.values())
        for genre, n in per_artist.items():
            counts[genre] += weight * n / total  # an artist adds its weight once, shared over its genres
    return dict(counts)


def track_artist_names(pages: Mapping[str, Sequence[Mapping[str, Any]]]) -> list[tuple[str, float]]:
    """(artist name, weight) of the top tracks' artists, the most recent range's weight winning."""
    names: list[tuple[str, float]] = []
    for time_range, weight in TIME_RANGE_WEIGHTS.items():
        for track in pages.get(time_range, ()):
            for artist in track.get("artists") or ():
                if artist.get("name"):
                    names.append((str(artist["name"]), weight))
    return names


def sample_genres(counts: Mapping[str, float], *, k: int = MAX_PICKED, rng: np.random.Generator) -> list[str]:
    """Up to k distinct genres drawn without replacement with probability proportional to weight^1.5."""
    names = [name for name, weight in counts.items() if weight > 0]
    if len(names) <= k:
        return sorted(names, key=lambda name: -counts[name])
    weights = np.array([counts[name] for name in names], dtype=np.float64) ** SAMPLING_POWER
    picked = rng.choice(len(names), size=k, replace=False, p=weights / weights.sum())
    return [names[int(i)] for i in picked]


def make_profile(
    *, user_id: str, source: ProfileSource, counts: Mapping[str, float], rng: np.random.Generator
) -> UserGenreProfile:
    """The profile from seed-genre weights (the default mix when they are empty), with a first sample drawn."""
    if not counts:
        source, counts = "default", DEFAULT_MIX
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_COUNTS_SHOWN]
    rounded = {name: round(float(weight), 3) for name, weight in ranked}
    return UserGenreProfile(
        user_id=user_id,
        source=source,
        counts=rounded,
        genres=sample_genres(rounded, rng=rng),
        fetched_at=datetime.now(UTC),
    )
