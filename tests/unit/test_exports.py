"""Exports: JSON round-trips, M3U8 parses as extended M3U with open.spotify.com links, CSV round-trips."""

from __future__ import annotations

import csv
import io

import pytest

from services.playlist.recommend.exports import CSV_COLUMNS, to_csv, to_json, to_m3u8
from shared.features import AUDIO_FEATURES, AudioFeatures
from shared.recommendation import Recommendation, RecommendedTrack

FEATURES = AudioFeatures(
    acousticness=0.1,
    danceability=0.8,
    energy=0.9,
    instrumentalness=0.0,
    liveness=0.12,
    loudness=-4.25,
    speechiness=0.3,
    valence=0.77,
)


def make_track(track_id: str, name: str, artist: str, duration_ms: int = 201_500) -> RecommendedTrack:
    return RecommendedTrack(
        id=track_id,
        uri=f"spotify:track:{track_id}",
        url=f"https://open.spotify.com/track/{track_id}",
        name=name,
        artist=artist,
        album="Album, with comma",
        release_date="2019-06-14",
        duration_ms=duration_ms,
        features=FEATURES,
        genres=["hip-hop", "pop"],
        why="bright and upbeat like your photo, hip-hop",
        distance=0.1234,
    )


@pytest.fixture
def rec() -> Recommendation:
    tracks = [
        make_track("6f807x0ima9a1j3VPbc7VN", 'Say "Hi", Again', "Ed Sheeran"),
        make_track("0r7CVbZTWZgbTCYdfa2P31", "Two\nLines", "Maroon 5", duration_ms=0),
        make_track("1z1Hg7Vb0AhHDiEmnDE79l", "Ünïcødé ✓", "Zara Larsson"),
    ]
    return Recommendation(tracks=tracks, target=FEATURES, genres=["hip-hop"], mode="match")


def test_json_round_trips_to_the_same_recommendation(rec: Recommendation) -> None:
    assert Recommendation.model_validate_json(to_json(rec)) == rec


def test_m3u8_is_extended_m3u_with_one_entry_per_track(rec: Recommendation) -> None:
    lines = to_m3u8(rec).splitlines()
    assert lines[0] == "#EXTM3U" and lines[1].startswith("#PLAYLIST:")
    entries = [(lines[i], lines[i + 1]) for i in range(2, len(lines), 2)]
    assert len(entries) == 3 and len(lines) == 8
    for (info, url), track in zip(entries, rec.tracks, strict=True):
        assert info.startswith("#EXTINF:") and url == f"https://open.spotify.com/track/{track.id}"
    assert entries[0][0] == '#EXTINF:202,Ed Sheeran - Say "Hi", Again'
    assert entries[1][0] == "#EXTINF:-1,Maroon 5 - Two Lines"  # unknown length, newline folded
    assert entries[2][0].endswith("Zara Larsson - Ünïcødé ✓")


def test_csv_round_trips_names_genres_and_features(rec: Recommendation) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(rec))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [r["id"] for r in rows] == [t.id for t in rec.tracks]
    assert [r["name"] for r in rows] == [t.name for t in rec.tracks]
    assert rows[0]["album"] == "Album, with comma"
    assert rows[0]["genres"].split(";") == ["hip-hop", "pop"]
    for name in AUDIO_FEATURES:
        assert float(rows[2][name]) == getattr(FEATURES, name)
    assert [int(r["position"]) for r in rows] == [1, 2, 3]
    assert float(rows[0]["distance"]) == 0.1234 and rows[0]["why"] == "bright and upbeat like your photo, hip-hop"


def test_an_empty_recommendation_exports_headers_only(rec: Recommendation) -> None:
    empty = rec.model_copy(update={"tracks": []})
    assert to_m3u8(empty).splitlines() == ["#EXTM3U", "#PLAYLIST:PRESSED / PLAY"]
    assert to_csv(empty).strip() == ",".join(CSV_COLUMNS)


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(rec: Recommendation) -> None:
    evil = make_track("9" * 22, '=HYPERLINK("http://x","click")', "@artist")
    rows = list(csv.DictReader(io.StringIO(to_csv(rec.model_copy(update={"tracks": [evil]})))))
    assert rows[0]["name"] == '\'=HYPERLINK("http://x","click")'
    assert rows[0]["artist"] == "'@artist"
