"""The catalog build merges sources: one row per track, the source's own labels first, clean names restored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.catalog.build import build_catalog_frame
from pipeline.catalog.merge import spelling_key
from pipeline.catalog.report import BuildReport
from pipeline.catalog.sound_check import MIN_LABELLED, GenreSoundCheck
from pipeline.evaluation.artist_genres import ArtistGenres
from shared.features import AUDIO_FEATURES
from shared.genres import SEED_GENRES
from tests.unit.test_catalog_import import FakeMapper

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "catalog"
SOURCES = [FIXTURES / "tidytuesday_small.csv", FIXTURES / "kaggle_stripped_small.csv"]


def merged(artists: ArtistGenres | None = None) -> tuple[pd.DataFrame, BuildReport]:
    return build_catalog_frame(SOURCES, mapper=FakeMapper(), artists=artists)


def by_id(frame: pd.DataFrame, column: str) -> dict[str, Any]:
    return dict(zip(frame["track_id"], frame[column], strict=True))


def test_two_sources_merge_into_one_row_per_track() -> None:
    frame, report = merged()
    assert frame["track_id"].is_unique
    assert sorted(frame["track_id"]) == ["kg10", "kg11", "kg12", "kg13", "kg14", "kg15", "tt01", "tt02", "tt03", "tt04"]
    assert report.source_rows == 5 + 8 and report.tracks == 10 and report.tracks_in_several_sources == 1
    assert [s["layout"] for s in report.sources] == ["tidytuesday", "kaggle_tracks"]


def test_genres_are_unioned_with_the_sources_own_seed_labels_first() -> None:
    genres = by_id(merged()[0], "genres")
    # tt01: the Kaggle label "happy" leads; the TidyTuesday playlists (pop / dance pop, rock / album rock) follow.
    assert list(genres["tt01"]) == ["happy", "rock", "pop", "dance"]
    assert list(genres["kg12"]) == ["hard-rock", "rock"]


def test_a_track_another_source_lists_takes_that_sources_clean_name_and_values() -> None:
    frame, report = merged()
    assert by_id(frame, "name")["tt01"] == "Bright Song"
    assert by_id(frame, "release_date")["tt01"] == "2019-06-14"
    assert report.names["from_another_source"] == 1


def test_a_stripped_name_takes_the_clean_spelling_with_the_same_letters() -> None:
    frame, report = merged()
    names, artists = by_id(frame, "name"), by_id(frame, "artist")
    assert artists["kg11"] == "Guns N' Roses" and names["kg11"] == "Paradise City"
    assert names["kg15"] == "Don't Cry"  # the same artist's clean title kg13
    assert report.names["artists_restored"] == 3 and report.names["names_restored"] == 1


def test_a_stripped_name_without_a_clean_spelling_is_kept_as_given() -> None:
    names = by_id(merged()[0], "name")
    assert names["kg12"] == "Dont Cry - Live" and names["kg14"] == "Im Alone"


def test_spelling_keys_ignore_punctuation_case_and_spacing() -> None:
    assert spelling_key("Mama, I'm Coming Home") == spelling_key("Mama; Im Coming Home") == "mama im coming home"
    assert spelling_key("Old Time Rock & Roll") == spelling_key("Old Time Rock  Roll")
    assert spelling_key("Can't") != spelling_key("Can t")


def _artist_file(path: Path, name: str, sound: np.ndarray, genres: list[str]) -> ArtistGenres:
    header = "artists," + ",".join(AUDIO_FEATURES) + ",count,genres\n"
    row = f"{name}," + ",".join(f"{v:.4f}" for v in sound) + f',10,"{genres!r}"\n'
    path.write_text(header + row, encoding="utf-8")
    return ArtistGenres.load(path)


def test_an_artist_of_the_same_name_that_sounds_nothing_alike_is_a_namesake(tmp_path: Path) -> None:
    frame, _ = merged()
    guns = frame["artist"] == "Guns N' Roses"
    sound = frame.loc[guns, list(AUDIO_FEATURES)].to_numpy(dtype=np.float64).mean(axis=0)
    # The same name with the opposite sound (quiet, acoustic, calm) is someone else: its genres are not used.
    opposite = sound.copy()
    for feature, value in {"energy": 0.05, "acousticness": 0.95, "loudness": -30.0, "valence": 0.05}.items():
        opposite[AUDIO_FEATURES.index(feature)] = value
    far, report = merged(_artist_file(tmp_path / "far.csv", "Guns N' Roses", opposite, ["dance pop"]))
    assert report.with_artist_match == 0 and report.namesakes == int(guns.sum())
    assert by_id(far, "genres") == by_id(frame, "genres")
    # With the catalog's own sound it is the band: "dance pop" now referees, and contradicts hard-rock.
    near, report = merged(_artist_file(tmp_path / "near.csv", "Guns N' Roses", sound, ["dance pop"]))
    assert report.with_artist_match == int(guns.sum()) and report.own_labels_contradicted > 0
    assert all("hard-rock" not in g for g, is_guns in zip(near["genres"], guns, strict=True) if is_guns)


def test_an_artist_join_adds_a_genre_only_to_a_track_that_sounds_like_it() -> None:
    rng = np.random.default_rng(0)
    quiet = rng.normal(0.2, 0.02, (MIN_LABELLED, 8))
    loud = rng.normal(0.8, 0.02, (MIN_LABELLED, 8))
    points = np.vstack([quiet, loud, [[0.21] * 8], [[0.79] * 8]]).clip(0, 1)
    labels = [["classical"]] * MIN_LABELLED + [["metal"]] * MIN_LABELLED + [[], []]
    check = GenreSoundCheck(points, labels)
    quiet_newcomer, loud_newcomer = 2 * MIN_LABELLED, 2 * MIN_LABELLED + 1
    assert check.fits(quiet_newcomer, "classical") and not check.fits(loud_newcomer, "classical")
    assert check.fits(loud_newcomer, "metal") and not check.fits(quiet_newcomer, "metal")
    assert not check.fits(quiet_newcomer, "opera")  # no source labels it: nothing to check against


def test_the_build_report_counts_every_seed_genre_including_empty_ones() -> None:
    _, report = merged()
    counts = report.seed_genre_counts
    assert list(counts) == list(SEED_GENRES) and counts["hard-rock"] == 4 and counts["bossanova"] == 0
    assert "bossanova" in report.empty_seed_genres and "happy" not in report.empty_seed_genres
    summary = report.summary()
    assert "tracks per seed genre:" in summary and "bossanova" in summary.split("tracks per seed genre:")[1]
