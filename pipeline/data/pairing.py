"""Which tracks a cover of a given genre is paired with: one pool of (track id, 8 features) per cover genre.

Electronic, HipHop, Pop and Rock covers draw from the catalog's playlists of the matching genre. The catalog has no
country playlists, so Country covers draw from the country-tagged artists of artist_feature_means.csv: each such
artist's mean features stand for a typical track of theirs (smoother than single tracks; documented in docs/data.md).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from pipeline.data_errors import PairingError
from shared.features import AUDIO_FEATURES
from shared.paths import REPO_ROOT, shared_data_dir

# Cover folder genre -> catalog playlist genre (the catalog's six: edm, rap, pop, r&b, latin, rock).
CATALOG_GENRE_FOR_COVER: Final[Mapping[str, str]] = {
    "Electronic": "edm",
    "HipHop": "rap",
    "Pop": "pop",
    "Rock": "rock",
}
# Cover genres the catalog lacks -> a pattern over artist micro-genres in artist_feature_means.csv.
ARTIST_GENRE_PATTERN_FOR_COVER: Final[Mapping[str, str]] = {"Country": r"\bcountry\b"}
COVER_GENRES: Final = tuple(sorted({*CATALOG_GENRE_FOR_COVER, *ARTIST_GENRE_PATTERN_FOR_COVER}))


def default_catalog_path() -> Path:
    """The catalog the playlist service ships (data/catalog.parquet, column playlist_genres)."""
    return REPO_ROOT / "data" / "catalog.parquet"


def default_artists_csv() -> Path:
    """Artist mean features with micro-genres (the Country pool)."""
    return shared_data_dir() / "artists" / "artist_feature_means.csv"


@dataclass(frozen=True)
class TrackPool:
    """The tracks one cover genre may be paired with."""

    genre: str
    source: str
    track_ids: tuple[str, ...]
    features: np.ndarray  # (n, 8) float32, raw units, AUDIO_FEATURES order

    def __len__(self) -> int:
        return len(self.track_ids)

    def draw(self, *, rng: np.random.Generator, k: int) -> list[int]:
        """k row indices, without replacement while the pool is large enough."""
        if len(self) == 0:
            raise PairingError(f"the track pool for {self.genre} ({self.source}) is empty")
        return [int(i) for i in rng.choice(len(self), size=k, replace=k > len(self))]


def read_catalog_tracks(path: Path | None = None) -> pd.DataFrame:
    """One row per track: track_id, playlist_genres (list[str]) and the 8 features.

    Reads the playlist service's catalog (data/catalog.parquet, validated by its own reader); a .csv/.csv.gz path
    reads a raw TidyTuesday export instead (column playlist_genre, one row per playlist appearance).
    """
    path = path or default_catalog_path()
    if path.suffix == ".parquet":
        from services.playlist.recommend.catalog import read_catalog_frame, validate_catalog_frame

        frame = validate_catalog_frame(read_catalog_frame(path), source=path.name)
        frame = frame.loc[:, ["track_id", "playlist_genres", *AUDIO_FEATURES]]
        frame["playlist_genres"] = frame["playlist_genres"].map(lambda genres: [str(g) for g in genres])
        return frame
    if not path.is_file():
        raise PairingError(f"no catalog at {path}")
    raw = pd.read_csv(path, usecols=["track_id", "playlist_genre", *AUDIO_FEATURES])
    genres = raw.groupby("track_id", sort=True)["playlist_genre"].agg(lambda s: sorted(set(s)))
    features = raw.drop_duplicates("track_id").set_index("track_id")[list(AUDIO_FEATURES)]
    return features.join(genres.rename("playlist_genres")).reset_index()


def read_country_artists(path: Path | None = None, *, pattern: str = r"\bcountry\b") -> pd.DataFrame:
    """Artists whose micro-genres match `pattern`: columns track_id ("artist:<name>") and the 8 features."""
    csv = path or default_artists_csv()
    if not csv.is_file():
        raise PairingError(f"no artist features at {csv}: Country covers cannot be paired")
    raw = pd.read_csv(csv, usecols=["artists", "genres", *AUDIO_FEATURES])
    regex = re.compile(pattern)
    matches = raw["genres"].map(lambda text: any(regex.search(g) for g in ast.literal_eval(text)))
    chosen = raw[matches].sort_values("artists")
    return pd.DataFrame({"track_id": "artist:" + chosen["artists"], **{f: chosen[f] for f in AUDIO_FEATURES}})


def _pool(genre: str, source: str, frame: pd.DataFrame) -> TrackPool:
    frame = frame.dropna(subset=list(AUDIO_FEATURES)).sort_values("track_id")
    features = frame[list(AUDIO_FEATURES)].to_numpy(dtype=np.float32)
    return TrackPool(genre=genre, source=source, track_ids=tuple(frame["track_id"].astype(str)), features=features)


def load_track_pools(
    *,
    genres: Iterable[str] = COVER_GENRES,
    catalog: pd.DataFrame | None = None,
    country_artists: pd.DataFrame | None = None,
) -> dict[str, TrackPool]:
    """A TrackPool for each requested cover genre; unknown genres raise PairingError listing the known ones."""
    wanted = sorted(set(genres))
    unknown = [g for g in wanted if g not in COVER_GENRES]
    if unknown:
        raise PairingError(f"no track pool for cover genre(s) {', '.join(unknown)}; known: {', '.join(COVER_GENRES)}")
    pools: dict[str, TrackPool] = {}
    if any(g in CATALOG_GENRE_FOR_COVER for g in wanted) and catalog is None:
        catalog = read_catalog_tracks()
    for genre in wanted:
        if genre in CATALOG_GENRE_FOR_COVER:
            assert catalog is not None
            playlist_genre = CATALOG_GENRE_FOR_COVER[genre]
            rows = catalog[catalog["playlist_genres"].map(lambda gs, pg=playlist_genre: pg in gs)]
            pools[genre] = _pool(genre, f"catalog playlist genre {playlist_genre}", rows)
        else:
            pattern = ARTIST_GENRE_PATTERN_FOR_COVER[genre]
            artists = country_artists if country_artists is not None else read_country_artists(pattern=pattern)
            pools[genre] = _pool(genre, f"artists matching {pattern}", artists)
        if len(pools[genre]) == 0:
            raise PairingError(f"the track pool for {genre} ({pools[genre].source}) is empty")
    return pools
