"""The label audit: each catalog label judged by its artists' genres, overall and for held-out artists."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.evaluation.artist_genres import ArtistGenres, artist_key
from pipeline.evaluation.label_audit import (
    held_out,
    held_out_artists,
    judge_for,
    label_precision,
    overall,
    precision_table,
)
from shared.features import AUDIO_FEATURES

SOUND = dict.fromkeys(AUDIO_FEATURES, 0.5) | {"loudness": -8.0}


@pytest.fixture
def artists(tmp_path: Path) -> ArtistGenres:
    header = "artists," + ",".join(AUDIO_FEATURES) + ",count,genres\n"
    values = ",".join(str(SOUND[name]) for name in AUDIO_FEATURES)
    rows = [("Bad Bunny", "['reggaeton', 'latin']"), ("Kansas", "['album rock']"), ("Chet Baker", "['cool jazz']")]
    path = tmp_path / "artists.csv"
    path.write_text(header + "".join(f'{n},{values},10,"{g}"\n' for n, g in rows), encoding="utf-8")
    return ArtistGenres.load(path)


def frame(rows: list[tuple[str, list[str]]]) -> pd.DataFrame:
    return pd.DataFrame([SOUND | {"artist": artist, "genres": genres} for artist, genres in rows])


def test_each_label_is_judged_by_its_tracks_known_artists(artists: ArtistGenres) -> None:
    catalog = frame(
        [
            ("Bad Bunny", ["latin", "pop"]),
            ("Kansas", ["latin", "rock"]),
            ("Somebody New", ["latin"]),  # unknown: counted, not judged
            ("Chet Baker", ["jazz", "summer"]),  # an occasion is not judged at all
        ]
    )
    results = label_precision(catalog, judge_for(catalog, artists))
    assert (results["latin"].tracks, results["latin"].known, results["latin"].played) == (3, 2, 1)
    assert results["latin"].precision == 0.5 and results["pop"].precision == 0.0
    assert results["jazz"].precision == 1.0 and "summer" not in results
    assert overall(results.values()) == (5, 3 / 5)
    table = precision_table([("shipped", results)])
    assert table[2] == "| jazz | 1 | 1.00 (1) |" and table[-1] == "| **all labels** | 6 | 0.600 (5) |"


def test_held_out_artists_are_a_fixed_half_removed_from_the_build_and_judged_with_the_full_file(
    artists: ArtistGenres,
) -> None:
    assert held_out("bad bunny") == held_out("bad bunny")
    names = ["Bad Bunny", "Kansas", "Chet Baker"]
    withheld = [n for n in names if held_out(artist_key(n))]
    seen: list[int] = []

    def build(known: ArtistGenres) -> pd.DataFrame:
        seen.append(len(known))
        return frame([(name, ["latin"]) for name in names])

    _, results = held_out_artists(build, artists)
    assert seen == [3 - len(withheld)]  # the build never saw the held-out artists
    assert withheld == ["Kansas"]  # md5 of the key decides: the same half on every run
    assert (results["latin"].known, results["latin"].played) == (1, 0)  # only Kansas's track is judged
