"""Importers for the public track-feature layouts, and the catalog build (collapse, genre enrichment, coverage)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import pytest

from pipeline.catalog.build import BuildReport, build_catalog_frame, write_catalog
from pipeline.catalog.importers import detect_layout, import_source
from pipeline.evaluation.artist_genres import ArtistGenres, read_artist_file
from services.playlist.recommend.catalog import CATALOG_COLUMNS, CatalogError, load_catalog

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "catalog"


class FakeMapper:
    """A dict-backed stand-in for GenreMapper: known names map, seed genres pass through, the rest map to []."""

    TABLE: ClassVar[dict[str, list[str]]] = {
        "dance pop": ["dance", "pop"],
        "electropop": ["pop", "synth-pop"],
        "album rock": ["rock"],
        "gangster rap": ["hip-hop"],
        "southern hip hop": ["hip-hop"],
        "neo soul": ["soul", "r-n-b"],
        "big room": ["edm"],
        "rap": ["hip-hop"],
        "r&b": ["r-n-b"],
        "hip hop": ["hip-hop"],
        "hip-hop": ["hip-hop"],
        "movie": ["soundtracks"],
        "children's music": ["children", "kids"],
    }
    SEEDS: ClassVar[set[str]] = {"pop", "rock", "edm", "acoustic", "chill", "black-metal", "dance", "soul", "latin"}

    def map(self, genre: str) -> list[str]:
        name = genre.strip().casefold()
        return list(self.TABLE.get(name, [name] if name in self.SEEDS else []))

    def map_many(self, genres: Iterable[str]) -> dict[str, list[str]]:
        return {g: self.map(g) for g in genres}


def build(name: str, artists: ArtistGenres | None = None) -> tuple[pd.DataFrame, BuildReport]:
    return build_catalog_frame(FIXTURES / name, mapper=FakeMapper(), artists=artists)


def column(frame: pd.DataFrame, name: str) -> dict[str, Any]:
    return dict(zip(frame["track_id"], frame[name], strict=True))


def test_tidytuesday_rows_collapse_to_one_track_with_all_its_playlists() -> None:
    frame, report = build("tidytuesday_small.csv")
    assert list(frame.columns) == list(CATALOG_COLUMNS)
    assert len(frame) == 4 and report.source_rows == 5
    bright = frame.set_index("track_id").loc["tt01"]
    assert list(bright["playlist_genres"]) == ["pop", "rock"]
    assert list(bright["subgenres"]) == ["dance pop", "album rock"]
    assert bright["uri"] == "spotify:track:tt01"
    assert bright["release_date"] == "2019-06-14" and bright["album"] == "Bright Album"


def test_seed_genres_come_from_the_artists_genres_and_the_playlists_they_do_not_contradict() -> None:
    artists = ArtistGenres.load(FIXTURES / "artists_small.csv")
    frame, report = build("tidytuesday_small.csv", artists=artists)
    genres = column(frame, "genres")
    assert genres["tt02"][0] == "hip-hop"
    # Two playlists (pop / dance pop, rock / album rock) and the artist's dance pop and electropop: pop and dance
    # lead, synth-pop (electropop) joins, and rock goes: Sunny Band's genres say nothing of rock. (Before issue 19
    # the playlists outvoted the artist and rock stayed second.)
    assert list(genres["tt01"]) == ["pop", "dance", "synth-pop"]
    assert report.with_artist_match == 2 and report.playlist_labels_contradicted == 1
    assert report.with_genres == 4


def test_the_artist_file_is_read_by_name_ignoring_case_punctuation_and_empty_lists() -> None:
    artists = read_artist_file(FIXTURES / "artists_small.csv")
    assert artists["mc fixture"][0].genres == ("gangster rap", "southern hip hop")
    assert artists["nobody here"][0].genres == ()
    assert ArtistGenres(artists).genres("NOBODY HERE") is None


def test_a_multi_artist_track_is_judged_by_every_credited_artist(tmp_path: Path) -> None:
    # "Ben Woodward, Chorus Fixture": the known one's genres (acoustic pop) confirm the source's own "acoustic" and
    # contradict its "chill" (before issue 19 a join only added seeds, and the lead artist alone was looked up).
    path = tmp_path / "artists.csv"
    header = (FIXTURES / "artists_small.csv").read_text(encoding="utf-8").splitlines()[0]
    path.write_text(
        header + "\nBen Woodward,0.92,0.42,150000,0.17,0,0.1,-17,0.08,77,0.27,50,1,1,10,\"['acoustic pop']\"\n"
    )
    frame, report = build("kaggle_tracks_small.csv", artists=ArtistGenres.load(path))
    assert report.with_artist_match == 1 and report.own_labels_contradicted == 1
    assert list(column(frame, "genres")["kg02"]) == ["acoustic"]


def test_kaggle_tracks_layout_joins_artists_and_merges_a_track_listed_in_two_genres() -> None:
    layout, _ = import_source(FIXTURES / "kaggle_tracks_small.csv")
    assert layout == "kaggle_tracks"
    frame, _ = build("kaggle_tracks_small.csv")
    assert column(frame, "artist")["kg02"] == "Ben Woodward, Chorus Fixture"
    assert set(column(frame, "genres")["kg02"]) == {"acoustic", "chill"}
    assert len(frame) == 3


def test_spotify_features_layout_converts_note_keys_modes_and_curly_apostrophes() -> None:
    layout, _ = import_source(FIXTURES / "spotify_features_small.csv")
    assert layout == "spotify_features"
    frame, report = build("spotify_features_small.csv")
    keys, modes, genres = column(frame, "key"), column(frame, "mode"), column(frame, "genres")
    assert keys["sf01"] == 1 and modes["sf01"] == 1
    assert keys["sf03"] == 10 and modes["sf03"] == 0
    assert "children" in genres["sf02"]
    assert set(genres["sf01"]) == {"soundtracks", "children", "kids"}
    assert report.unmapped_labels == []


def test_our_own_columns_import_from_csv_with_semicolon_genres() -> None:
    layout, _ = import_source(FIXTURES / "pressedplay_small.csv")
    assert layout == "pressedplay"
    frame, _ = build("pressedplay_small.csv")
    genres = column(frame, "genres")
    assert list(genres["pp03"]) == ["hip-hop"]
    assert set(genres["pp01"]) == {"pop", "dance"}


def test_our_own_columns_import_from_parquet_and_round_trip_through_load_catalog(tmp_path: Path) -> None:
    source = tmp_path / "mine.parquet"
    pd.read_csv(FIXTURES / "pressedplay_small.csv").to_parquet(source)
    frame, _ = build_catalog_frame(source, mapper=FakeMapper())
    out = tmp_path / "catalog.parquet"
    write_catalog(frame, out)
    catalog = load_catalog(out)
    assert len(catalog) == 3
    assert catalog.genre_counts()["hip-hop"] == 1
    assert catalog.genres[1] == ("acoustic",)


def test_unmapped_labels_are_reported_not_guessed(tmp_path: Path) -> None:
    table = pd.read_csv(FIXTURES / "pressedplay_small.csv")
    table.loc[0, "genres"] = "zzz unknown noise"
    table.to_csv(tmp_path / "odd.csv", index=False)
    frame, report = build_catalog_frame(tmp_path / "odd.csv", mapper=FakeMapper())
    assert report.unmapped_labels == ["zzz unknown noise"]
    assert list(frame["genres"].iloc[0]) == []
    assert report.with_genres == 2


def test_an_unknown_layout_is_rejected_naming_what_each_layout_needs() -> None:
    with pytest.raises(CatalogError, match=r"unrecognised catalog layout.*tidytuesday.*playlist_subgenre"):
        detect_layout({"id", "title", "energy"})


def test_a_source_without_feature_columns_is_rejected_naming_them(tmp_path: Path) -> None:
    table = pd.read_csv(FIXTURES / "pressedplay_small.csv").drop(columns=["valence", "energy"])
    table.to_csv(tmp_path / "partial.csv", index=False)
    with pytest.raises(CatalogError, match=r"missing feature column.*energy, valence"):
        import_source(tmp_path / "partial.csv")


@pytest.mark.parametrize(
    ("name", "message"),
    [("header_only.csv", "has no rows"), ("broken.parquet", "could not be read"), ("absent.csv", "does not exist")],
)
def test_empty_broken_or_absent_sources_give_a_clear_error(name: str, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        import_source(FIXTURES / name)


def test_a_zero_byte_source_is_called_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(CatalogError, match="is empty"):
        import_source(tmp_path / "empty.csv")


def test_out_of_range_features_in_a_source_are_rejected_with_the_track(tmp_path: Path) -> None:
    table = pd.read_csv(FIXTURES / "pressedplay_small.csv")
    table.loc[2, "energy"] = 1.7
    table.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(CatalogError, match=r"energy has 1 missing or out-of-range.*'pp03'"):
        build_catalog_frame(tmp_path / "bad.csv", mapper=FakeMapper())


def test_a_gzipped_csv_imports_like_the_plain_one(tmp_path: Path) -> None:
    import gzip

    packed = tmp_path / "songs.csv.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "tidytuesday_small.csv").read_bytes()))
    layout, rows = import_source(packed)
    assert layout == "tidytuesday" and len(rows) == 5


def test_a_row_without_a_track_id_is_rejected(tmp_path: Path) -> None:
    table = pd.read_csv(FIXTURES / "pressedplay_small.csv")
    table.loc[1, "track_id"] = None
    table.to_csv(tmp_path / "no_id.csv", index=False)
    with pytest.raises(CatalogError, match="1 empty track_id"):
        build_catalog_frame(tmp_path / "no_id.csv", mapper=FakeMapper())
