"""Importers: turn the common public track-feature layouts into one row layout the catalog builder understands.

Every importer returns "source rows": one row per (track, source genre label), with the catalog's scalar columns
and two list columns, `playlist_genres` (broad labels) and `subgenres` (finer labels). The builder then collapses
rows per track and maps labels onto seed genres.

Layouts recognised by their columns:
- tidytuesday: TidyTuesday 2020-01-21 `spotify_songs.csv` (track_artist, playlist_genre, playlist_subgenre)
- kaggle_tracks: Kaggle "Spotify Tracks Dataset" (114k rows; artists separated by ';', track_genre, a seed genre;
  an optional `names_stripped` flag marks rows whose names lost their punctuation)
- spotify_features: Kaggle "SpotifyFeatures.csv" (artist_name, genre, key as a note name, mode Major/Minor)
- pressedplay: any CSV/Parquet with our own column names (list columns may be ';'-joined strings in CSV)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from services.playlist.recommend.catalog import CATALOG_COLUMNS, CatalogError
from shared.features import AUDIO_FEATURES
from shared.genres import is_seed_genre

# What every importer produces: the catalog's columns less the URI and the holiday flag, which the build derives
# (from the id; from the restored names), plus whether the source stripped punctuation from the row's names (the
# build restores them from another spelling).
SOURCE_COLUMNS: Final[tuple[str, ...]] = (
    *(column for column in CATALOG_COLUMNS if column not in ("uri", "holiday")),
    "names_stripped",
)
NOTE_KEYS: Final[dict[str, int]] = {
    note: index for index, note in enumerate(("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"))
}


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV (optionally gzipped) or Parquet file; raises CatalogError for absent, empty or unreadable files."""
    if not path.is_file():
        raise CatalogError(f"catalog source {path} does not exist")
    if path.stat().st_size == 0:
        raise CatalogError(f"catalog source {path} is empty")
    suffixes = [s.lower() for s in path.suffixes]
    try:
        if suffixes and suffixes[-1] in (".parquet", ".pq"):
            return pd.read_parquet(path)
        return pd.read_csv(path, low_memory=False)
    except pd.errors.EmptyDataError as exc:
        raise CatalogError(f"catalog source {path} is empty") from exc
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise CatalogError(f"catalog source {path} could not be read as CSV or Parquet: {exc}") from exc


def detect_layout(columns: set[str]) -> str:
    """Name the layout a table's columns belong to; raises CatalogError listing what each layout needs."""
    for name, (required, _) in LAYOUTS.items():
        if required <= columns:
            return name
    needs = "; ".join(f"{name}: {', '.join(sorted(required))}" for name, (required, _) in LAYOUTS.items())
    raise CatalogError(f"unrecognised catalog layout (columns: {', '.join(sorted(columns))}); expected one of {needs}")


def import_source(path: Path) -> tuple[str, pd.DataFrame]:
    """Read any supported layout and return (layout name, source rows)."""
    table = read_table(path)
    if table.empty:
        raise CatalogError(f"catalog source {path} has no rows")
    layout = detect_layout(set(table.columns))
    _, convert = LAYOUTS[layout]
    rows = convert(table)
    missing = [name for name in AUDIO_FEATURES if name not in rows.columns]
    if missing:
        raise CatalogError(f"catalog source {path} ({layout}) is missing feature column(s): {', '.join(missing)}")
    return layout, rows.loc[:, list(SOURCE_COLUMNS)]


def _single(values: pd.Series) -> list[list[str]]:
    return [[str(v).strip()] if isinstance(v, str) and v.strip() else [] for v in values]


def _split(values: pd.Series) -> list[list[str]]:
    out: list[list[str]] = []
    for value in values:
        if isinstance(value, str):
            out.append([part.strip() for part in value.split(";") if part.strip()])
        elif value is None or (isinstance(value, float) and np.isnan(value)):
            out.append([])
        else:
            out.append([str(part) for part in value])
    return out


def _labels(table: pd.DataFrame, column: str) -> list[list[str]]:
    return _split(table[column]) if column in table else [[] for _ in range(len(table))]


def _with_features(table: pd.DataFrame, **columns: object) -> pd.DataFrame:
    rows = pd.DataFrame(columns, index=table.index)
    for name in AUDIO_FEATURES:
        if name in table.columns:
            rows[name] = pd.to_numeric(table[name], errors="coerce")
    for name in ("tempo", "duration_ms"):
        rows[name] = pd.to_numeric(table[name], errors="coerce") if name in table.columns else np.nan
    stripped = table["names_stripped"] if "names_stripped" in table.columns else pd.Series(0, index=table.index)
    rows["names_stripped"] = pd.to_numeric(stripped, errors="coerce").fillna(0).astype(bool)
    return rows


def _from_tidytuesday(table: pd.DataFrame) -> pd.DataFrame:
    rows = _with_features(
        table,
        track_id=table["track_id"].astype("string"),
        name=table["track_name"],
        artist=table["track_artist"],
        album=table.get("track_album_name", ""),
        release_date=table.get("track_album_release_date", ""),
        playlist_genres=_single(table["playlist_genre"]),
        subgenres=_single(table["playlist_subgenre"]),
        genres=[[] for _ in range(len(table))],
    )
    rows["key"], rows["mode"] = table["key"], table["mode"]
    return rows


def _from_kaggle_tracks(table: pd.DataFrame) -> pd.DataFrame:
    # Multiple artists are ';'-separated; the display string joins them the way Spotify shows them.
    artists = table["artists"].fillna("").astype(str).str.replace(";", ", ", regex=False)
    labels = _single(table["track_genre"])
    # This dataset was sampled by seed genre, so its label is the track's own seed genre: it goes straight to
    # `genres` (trusted above anything joined by artist name); a label that is not a seed is mapped like a playlist.
    seeds = [[label for label in row if is_seed_genre(label)] for row in labels]
    rows = _with_features(
        table,
        track_id=table["track_id"].astype("string"),
        name=table["track_name"],
        artist=artists,
        album=table.get("album_name", ""),
        release_date="",
        playlist_genres=[[label for label in row if not is_seed_genre(label)] for row in labels],
        subgenres=[[] for _ in range(len(table))],
        genres=seeds,
    )
    rows["key"], rows["mode"] = table.get("key", -1), table.get("mode", -1)
    return rows


def _from_spotify_features(table: pd.DataFrame) -> pd.DataFrame:
    rows = _with_features(
        table,
        track_id=table["track_id"].astype("string"),
        name=table["track_name"],
        artist=table["artist_name"],
        album="",
        release_date="",
        # The file writes "Children’s Music" with a typographic apostrophe; the genre map expects a plain one.
        playlist_genres=_single(table["genre"].astype(str).str.replace("’", "'", regex=False)),
        subgenres=[[] for _ in range(len(table))],
        genres=[[] for _ in range(len(table))],
    )
    rows["key"] = table["key"].map(lambda k: NOTE_KEYS.get(str(k).strip(), -1)) if "key" in table else -1
    rows["mode"] = table["mode"].map({"Major": 1, "Minor": 0}).fillna(-1) if "mode" in table else -1
    return rows


def _from_pressedplay(table: pd.DataFrame) -> pd.DataFrame:
    rows = _with_features(
        table,
        track_id=table["track_id"].astype("string"),
        name=table["name"],
        artist=table["artist"],
        album=table.get("album", ""),
        release_date=table.get("release_date", ""),
        playlist_genres=_labels(table, "playlist_genres"),
        subgenres=_labels(table, "subgenres"),
        genres=_labels(table, "genres"),
    )
    rows["key"], rows["mode"] = table.get("key", -1), table.get("mode", -1)
    return rows


# Checked in order: the most specific column sets first, our own layout last.
LAYOUTS: Final[dict[str, tuple[frozenset[str], Callable[[pd.DataFrame], pd.DataFrame]]]] = {
    "tidytuesday": (
        frozenset({"track_id", "track_name", "track_artist", "playlist_genre", "playlist_subgenre"}),
        _from_tidytuesday,
    ),
    "kaggle_tracks": (frozenset({"track_id", "track_name", "artists", "track_genre"}), _from_kaggle_tracks),
    "spotify_features": (
        frozenset({"track_id", "track_name", "artist_name", "genre"}),
        _from_spotify_features,
    ),
    "pressedplay": (frozenset({"track_id", "name", "artist"}), _from_pressedplay),
}
