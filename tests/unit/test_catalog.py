"""The catalog file: its validation errors, its in-memory arrays, and the shipped data/catalog.parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from services.playlist.recommend.catalog import (
    CATALOG_COLUMNS,
    DEFAULT_CATALOG_PATH,
    MIN_FEATURE_SCALE,
    CatalogError,
    catalog_from_records,
    load_catalog,
)
from shared.features import AUDIO_FEATURES


def track(track_id: str, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "track_id": track_id,
        "name": f"Song {track_id}",
        "artist": "Artist",
        "acousticness": 0.2,
        "danceability": 0.6,
        "energy": 0.7,
        "instrumentalness": 0.0,
        "liveness": 0.1,
        "loudness": -6.0,
        "speechiness": 0.05,
        "valence": 0.5,
        "genres": ["pop"],
    }
    return base | overrides


def write(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    path = tmp_path / "catalog.parquet"
    pd.DataFrame.from_records(records).to_parquet(path)
    return path


def test_a_minimal_catalog_gets_defaults_for_optional_columns(tmp_path: Path) -> None:
    catalog = load_catalog(write(tmp_path, [track("a"), track("b", genres=["rock", "pop"])]))
    assert len(catalog) == 2
    assert catalog.albums.tolist() == ["", ""]
    assert catalog.genres == (("pop",), ("rock", "pop"))
    assert catalog.genre_rows["pop"].tolist() == [0, 1]
    assert catalog.genre_ranks["pop"].tolist() == [0, 1]


def test_loudness_is_normalised_to_unit_range_and_spread_has_a_floor() -> None:
    catalog = catalog_from_records([track("a", loudness=-60.0), track("b", loudness=0.0)])
    loud = AUDIO_FEATURES.index("loudness")
    assert catalog.normalised[:, loud].tolist() == [0.0, 1.0]
    assert catalog.raw[:, loud].tolist() == [-60.0, 0.0]
    # Every other feature is constant here: its spread is the floor, not zero.
    assert catalog.scale[AUDIO_FEATURES.index("energy")] == pytest.approx(MIN_FEATURE_SCALE)


def test_an_absent_catalog_file_names_the_build_command(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"does not exist.*pressedplay catalog build"):
        load_catalog(tmp_path / "nope.parquet")


def test_a_zero_byte_catalog_file_is_called_empty(tmp_path: Path) -> None:
    (tmp_path / "catalog.parquet").write_bytes(b"")
    with pytest.raises(CatalogError, match="is empty"):
        load_catalog(tmp_path / "catalog.parquet")


def test_a_file_that_is_not_parquet_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "catalog.parquet").write_text("track_id,name\n1,a\n")
    with pytest.raises(CatalogError, match="not a readable Parquet file"):
        load_catalog(tmp_path / "catalog.parquet")


def test_a_catalog_with_no_rows_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "catalog.parquet"
    pd.DataFrame({name: pd.Series(dtype=float) for name in ("track_id", *AUDIO_FEATURES)}).to_parquet(path)
    with pytest.raises(CatalogError, match="has no rows"):
        load_catalog(path)


def test_missing_columns_are_named(tmp_path: Path) -> None:
    records = [{k: v for k, v in track("a").items() if k not in ("valence", "genres")}]
    with pytest.raises(CatalogError, match=r"missing column.*valence, genres"):
        load_catalog(write(tmp_path, records))


@pytest.mark.parametrize(
    ("column", "value"), [("energy", 1.5), ("loudness", -75.0), ("valence", None), ("danceability", "loud")]
)
def test_bad_feature_values_are_rejected_naming_column_and_track(tmp_path: Path, column: str, value: Any) -> None:
    records = [track("a"), track("b", **{column: value})]
    with pytest.raises(CatalogError, match=rf"column {column} has 1 missing or out-of-range.*'b'"):
        catalog_from_records(records)


def test_genres_that_are_not_seed_genres_are_rejected_with_the_fix() -> None:
    records = [track("a", genres=["hip hop", "pop"]), track("b", genres="hip hop;rock")]
    with pytest.raises(CatalogError, match=r"must hold seed genres.*'hip hop' \(2 tracks\).*catalog build --from"):
        catalog_from_records(records)


def test_duplicate_track_ids_are_rejected() -> None:
    with pytest.raises(CatalogError, match=r"1 duplicate track_id.*'a'"):
        catalog_from_records([track("a"), track("a")])


def test_the_shipped_catalog_has_every_unique_track_with_seed_genres() -> None:
    frame = pd.read_parquet(DEFAULT_CATALOG_PATH)
    assert list(frame.columns) == list(CATALOG_COLUMNS)
    assert len(frame) == 53_957 and frame["track_id"].is_unique
    assert DEFAULT_CATALOG_PATH.stat().st_size < 5_000_000
    catalog = load_catalog()
    with_genres = sum(1 for g in catalog.genres if g)
    # Since issue 19 a track keeps no label its artists contradict, nor one that proved right for under 65% of the
    # tracks with a known artist unless it is its source's own (TidyTuesday's "tropical" and "latin hip hop"
    # playlists hold Swedish pop and EDM): 4.9% of tracks, all by artists the file does not know, have no seed
    # genre and are served to requests without genres. Before, every track kept its labels (> 99% had some).
    assert with_genres / len(catalog) > 0.95
    assert {"pop", "hip-hop", "rock", "edm", "latin", "r-n-b"} <= set(catalog.genre_names)
    assert catalog.track_ids[0] and frame["uri"].str.startswith("spotify:track:").all()
    assert np.isfinite(catalog.normalised).all()


@pytest.mark.slow
@pytest.mark.needs_shared
def test_rebuilding_from_shared_data_matches_the_shipped_catalog(shared_data: Path, tmp_path: Path) -> None:
    from pipeline.catalog.build import build_catalog_frame
    from pipeline.commands.catalog import SHARED_SOURCES
    from pipeline.evaluation.artist_genres import ArtistGenres
    from services.playlist.genres.mapping import load_genre_mapper

    frame, report = build_catalog_frame(
        [shared_data / "catalog" / name for name in SHARED_SOURCES],
        mapper=load_genre_mapper(),
        artists=ArtistGenres.load(shared_data / "artists" / "artist_feature_means.csv"),
    )
    shipped = pd.read_parquet(DEFAULT_CATALOG_PATH)
    assert report.tracks == 53_957 and report.source_rows == 32_833 + 29_135
    # Occasions only: bossanova, movies, soundtracks, ... have tracks by their artists' genres since issue 19.
    assert report.empty_seed_genres == ["holidays", "new-release", "rainy-day", "road-trip", "summer", "work-out"]
    assert frame["track_id"].tolist() == shipped["track_id"].tolist()
    # The genre map evolves; a few changed tracks are tolerated, a stale catalog is not.
    same = sum(list(a) == list(b) for a, b in zip(frame["genres"], shipped["genres"], strict=True)) / len(frame)
    assert same > 0.99, f"only {same:.1%} of tracks keep their genres: rebuild with `pressedplay catalog build`"
