"""The track catalog: the Parquet file we ship, its validation, and its in-memory form (numpy arrays, loaded once).

The recommender never touches pandas per request: `Catalog` holds contiguous arrays (raw and normalised features,
ids, names) plus, for every seed genre, the sorted row ids of its tracks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from services.playlist.recommend.credits import credited_artists, rows_of_keys
from services.playlist.recommend.seasons import holiday_mask
from shared.errors import InvalidInput
from shared.features import AUDIO_FEATURES, FEATURE_BOUNDS, normalise
from shared.genres import is_seed_genre
from shared.paths import REPO_ROOT

DEFAULT_CATALOG_PATH: Final = REPO_ROOT / "data" / "catalog.parquet"

# The shipped schema, in file order. Other modules (pipeline, services) depend on these names.
CATALOG_COLUMNS: Final[tuple[str, ...]] = (
    "track_id",
    "uri",
    "name",
    "artist",
    "album",
    "release_date",
    *AUDIO_FEATURES,
    "tempo",
    "key",
    "mode",
    "duration_ms",
    "playlist_genres",
    "subgenres",
    "genres",
    "holiday",
)
LIST_COLUMNS: Final[tuple[str, ...]] = ("playlist_genres", "subgenres", "genres")
# A catalog must at least say what each track is, how it sounds, and which seed genres it belongs to.
REQUIRED_COLUMNS: Final[tuple[str, ...]] = ("track_id", "name", "artist", *AUDIO_FEATURES, "genres")
# Columns a minimal catalog may omit, with the value they take.
OPTIONAL_DEFAULTS: Final[dict[str, Any]] = {
    "album": "",
    "release_date": "",
    "tempo": np.nan,
    "key": -1,
    "mode": -1,
    "duration_ms": 0,
}
# Per-feature spread below this (in normalised units) is treated as this, so a near-constant feature in a small
# catalog cannot blow up distances.
MIN_FEATURE_SCALE: Final = 0.05


class CatalogError(InvalidInput):
    """The catalog file is missing, unreadable, empty or malformed; the detail names the problem."""


def spotify_uri(track_id: str) -> str:
    """The Spotify URI of a track id."""
    return f"spotify:track:{track_id}"


def spotify_url(track_id: str) -> str:
    """The open.spotify.com link of a track id."""
    return f"https://open.spotify.com/track/{track_id}"


@dataclass(frozen=True, eq=False)
class Catalog:
    """Tracks as parallel arrays; row i of every array is the same track."""

    track_ids: np.ndarray
    names: np.ndarray
    artists: np.ndarray
    albums: np.ndarray
    release_dates: np.ndarray
    raw: np.ndarray  # (n, 8) float32, Spotify units
    normalised: np.ndarray  # (n, 8) float32 in [0, 1]
    duration_ms: np.ndarray
    # How a track sits in a sequence (services/playlist/recommend/sequencing.py): BPM (NaN unknown), pitch class and
    # mode (-1 unknown).
    tempo: np.ndarray
    key: np.ndarray
    mode: np.ndarray
    genres: tuple[tuple[str, ...], ...]
    subgenres: tuple[tuple[str, ...], ...]
    holiday: np.ndarray = field(repr=False)  # (n,) bool: a holiday song (services/playlist/recommend/seasons.py)
    genre_rows: dict[str, np.ndarray] = field(repr=False)  # seed genre -> sorted row ids of its tracks
    genre_ranks: dict[str, np.ndarray] = field(repr=False)  # aligned with genre_rows: the genre's place in the row
    scale: np.ndarray = field(repr=False)  # (8,) spread of each normalised feature
    source: str = ""

    def __len__(self) -> int:
        return int(self.track_ids.shape[0])

    @property
    def genre_names(self) -> list[str]:
        """Seed genres that have at least one track, sorted."""
        return sorted(self.genre_rows)

    def genre_counts(self) -> dict[str, int]:
        """Tracks per seed genre."""
        return {name: int(rows.shape[0]) for name, rows in sorted(self.genre_rows.items())}

    @cached_property
    def credits(self) -> tuple[tuple[str, ...], ...]:
        """Each track's credited artists by key (credits.py: a joint credit's names, then those its title features)."""
        return tuple(credited_artists(str(a), str(t)) for t, a in zip(self.names, self.artists, strict=True))

    @cached_property
    def rows_by_artist(self) -> dict[str, np.ndarray]:
        """Artist key -> the rows that credit the artist, built on first use."""
        return rows_of_keys(self.credits)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, source: str = "") -> Catalog:
        """Build from a validated frame with the catalog columns (see validate_catalog_frame)."""
        raw = frame.loc[:, list(AUDIO_FEATURES)].to_numpy(dtype=np.float32)
        norm = normalise(raw)
        genres = tuple(_as_tuple(value) for value in frame["genres"])
        subgenres = tuple(_as_tuple(value) for value in frame["subgenres"]) if "subgenres" in frame else ()
        members: dict[str, list[int]] = {}
        ranks: dict[str, list[int]] = {}
        for row, names in enumerate(genres):
            for rank, name in enumerate(names):
                members.setdefault(name, []).append(row)
                ranks.setdefault(name, []).append(rank)
        scale = np.maximum(norm.std(axis=0), MIN_FEATURE_SCALE).astype(np.float32)
        return cls(
            track_ids=frame["track_id"].astype(str).to_numpy(dtype=object),
            names=frame["name"].astype(str).to_numpy(dtype=object),
            artists=frame["artist"].astype(str).to_numpy(dtype=object),
            albums=_text_column(frame, "album"),
            release_dates=_text_column(frame, "release_date"),
            raw=raw,
            normalised=norm,
            duration_ms=frame.get("duration_ms", pd.Series(0, index=frame.index)).fillna(0).to_numpy(dtype=np.int64),
            tempo=_number_column(frame, "tempo", np.nan).astype(np.float32),
            key=_number_column(frame, "key", -1).astype(np.int8),
            mode=_number_column(frame, "mode", -1).astype(np.int8),
            genres=genres,
            subgenres=subgenres or tuple(() for _ in genres),
            holiday=_holiday_column(frame),
            genre_rows={name: np.asarray(rows, dtype=np.int64) for name, rows in members.items()},
            genre_ranks={name: np.asarray(r, dtype=np.int8) for name, r in ranks.items()},
            scale=scale,
            source=source,
        )


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    return tuple(str(item) for item in value)


def _holiday_column(frame: pd.DataFrame) -> np.ndarray:
    if "holiday" in frame:
        return frame["holiday"].to_numpy(dtype=bool)
    return holiday_mask(_text_column(frame, "name"), _text_column(frame, "album"), _text_column(frame, "artist"))


def _number_column(frame: pd.DataFrame, name: str, missing: float) -> np.ndarray:
    if name not in frame:
        return np.full(len(frame), missing, dtype=np.float64)
    return pd.to_numeric(frame[name], errors="coerce").fillna(missing).to_numpy(dtype=np.float64)


def _text_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame:
        return np.full(len(frame), "", dtype=object)
    return frame[name].fillna("").astype(str).to_numpy(dtype=object)


def validate_catalog_frame(frame: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Check a catalog frame and fill optional columns; raises CatalogError naming the first problem found."""
    if frame.empty:
        raise CatalogError(f"catalog {source} has no rows")
    missing = [name for name in REQUIRED_COLUMNS if name not in frame.columns]
    if missing:
        raise CatalogError(f"catalog {source} is missing column(s): {', '.join(missing)}")
    frame = frame.copy()
    for name, default in OPTIONAL_DEFAULTS.items():
        if name not in frame.columns:
            frame[name] = default
    for name in ("playlist_genres", "subgenres"):
        if name not in frame.columns:
            frame[name] = [() for _ in range(len(frame))]
    ids = frame["track_id"]
    empty = ids.isna() | (ids.astype(str).str.strip() == "")
    if empty.any():
        raise CatalogError(
            f"catalog {source} has {int(empty.sum())} empty track_id (first at row {int(empty.argmax())})"
        )
    if "uri" not in frame.columns:
        frame["uri"] = ids.astype(str).map(spotify_uri)
    duplicated = ids[ids.duplicated()]
    if not duplicated.empty:
        raise CatalogError(
            f"catalog {source} has {duplicated.size} duplicate track_id value(s), e.g. {duplicated.iloc[0]!r}"
        )
    for name in AUDIO_FEATURES:
        _check_feature(frame, name, source=source)
    _check_genres(frame, source=source)
    frame["name"] = frame["name"].fillna("").astype(str)
    frame["artist"] = frame["artist"].fillna("").astype(str)
    frame["album"] = frame["album"].fillna("").astype(str)
    _check_holiday(frame, source=source)
    return frame.loc[:, list(CATALOG_COLUMNS)]


def _check_holiday(frame: pd.DataFrame, *, source: str) -> None:
    # Older catalogs and operators' files have no `holiday` column: it is computed from titles and albums.
    if "holiday" not in frame.columns:
        frame["holiday"] = holiday_mask(frame["name"], frame["album"], frame["artist"])
        return
    values = frame["holiday"]
    truth = values.map(_as_bool)
    bad = truth.isna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise CatalogError(
            f"catalog {source}: column holiday must be true/false (or absent, to be computed from titles); "
            f"{int(bad.sum())} other value(s), first at row {first}: {values.iloc[first]!r}"
        )
    frame["holiday"] = truth.astype(bool)


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.strip().lower() in ("true", "1", "yes")
    return None


def _check_feature(frame: pd.DataFrame, name: str, *, source: str) -> None:
    values = pd.to_numeric(frame[name], errors="coerce")
    low, high = FEATURE_BOUNDS[name]
    bad = values.isna() | (values < low) | (values > high)
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise CatalogError(
            f"catalog {source}: column {name} has {int(bad.sum())} missing or out-of-range value(s) "
            f"(allowed {low} to {high}); first at row {first}, track_id {frame['track_id'].iloc[first]!r}, "
            f"value {frame[name].iloc[first]!r}"
        )
    frame[name] = values.astype(np.float32)


def _check_genres(frame: pd.DataFrame, *, source: str) -> None:
    # A hand-made catalog saying "hip hop" where the recommender looks for "hip-hop" would silently never match.
    frame["genres"] = [_as_tuple(value) for value in frame["genres"]]
    unknown = Counter(name for names in frame["genres"] for name in names if not is_seed_genre(name))
    if unknown:
        shown = ", ".join(f"{name!r} ({count} tracks)" for name, count in unknown.most_common(5))
        raise CatalogError(
            f"catalog {source}: column genres must hold seed genres (see GET /v1/genres); found {shown}. "
            "`pressedplay catalog build --from FILE` maps any genre names onto seed genres"
        )


def read_catalog_frame(path: Path) -> pd.DataFrame:
    """Read a catalog Parquet file as a frame; raises CatalogError when it is absent or not readable Parquet."""
    if not path.is_file():
        raise CatalogError(f"catalog file {path} does not exist (build it with `pressedplay catalog build`)")
    if path.stat().st_size == 0:
        raise CatalogError(f"catalog file {path} is empty")
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise CatalogError(f"catalog file {path} is not a readable Parquet file: {exc}") from exc


def load_catalog(path: Path | None = None) -> Catalog:
    """Load and validate the catalog (default data/catalog.parquet); raises CatalogError."""
    path = path or DEFAULT_CATALOG_PATH
    frame = validate_catalog_frame(read_catalog_frame(path), source=path.name)
    return Catalog.from_frame(frame, source=str(path))


def catalog_from_records(records: Sequence[dict[str, Any]], *, source: str = "records") -> Catalog:
    """A catalog from plain dicts with catalog column names (tests, small operator lists)."""
    frame = validate_catalog_frame(pd.DataFrame.from_records(list(records)), source=source)
    return Catalog.from_frame(frame, source=source)
