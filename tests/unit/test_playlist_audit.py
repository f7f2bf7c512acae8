"""`pressedplay audit playlists`: the listener checks flag what a listener would notice, and the command runs over a
folder of photos, a catalog and an artist file (all made here)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from pipeline.cli import main
from pipeline.commands.audit import parse_requests
from pipeline.evaluation.listener_checks import check_list
from services.playlist.recommend.sequencing import Sound
from shared.errors import InvalidInput
from shared.features import AUDIO_FEATURES, AudioFeatures
from shared.recommendation import RecommendationRequest, RecommendedTrack, another_take
from tests.unit.model_fixtures import random_checkpoint
from tests.unit.test_recommender import MID


class FakeJudge:
    """Artists whose genres we know: Jazzer plays jazz, Popper pop; anyone else is unknown."""

    PLAYS: ClassVar[dict[str, set[str]]] = {"Jazzer": {"jazz"}, "Popper": {"pop"}}

    def plays_any(self, credit: str, seeds: Iterable[str]) -> bool | None:
        known = [self.PLAYS[a] for a in credit.split(", ") if a in self.PLAYS]
        return any(set(seeds) & genres for genres in known) if known else None


def track(i: int, name: str, artist: str, genres: list[str], distance: float = 0.1) -> RecommendedTrack:
    return RecommendedTrack(
        id=f"t{i}",
        uri=f"spotify:track:t{i}",
        url=f"https://open.spotify.com/track/t{i}",
        name=name,
        artist=artist,
        album="",
        features=AudioFeatures(**MID),
        genres=genres,
        why="",
        distance=distance,
    )


def flat_sound(count: int) -> Sound:
    return Sound(energy=np.full(count, 0.5), tempo=np.full(count, 120.0), key=np.zeros(count), mode=np.ones(count))


def test_the_checks_flag_what_a_listener_notices() -> None:
    tracks = [
        track(0, "Blue Train", "Jazzer", ["jazz"]),
        track(1, "Song", "Popper", ["jazz"]),  # labelled jazz, but its artist plays pop
        track(2, "Last Christmas", "Unknown Band", ["jazz"]),
        track(3, "Moral of the Story", "Jazzer", ["jazz"]),
        track(4, "Moral of the Story (feat. Someone)", "Jazzer, Someone", ["jazz"]),
        track(5, "Third", "Jazzer", ["jazz"]),
    ]
    checks = check_list(tracks, asked=["jazz", "rock"], judge=FakeJudge(), sound=flat_sound(6))
    assert (checks.judged, checks.faithful) == (5, 4) and checks.unfaithful == ["Popper - Song"]
    assert checks.holiday == ["Unknown Band - Last Christmas"]
    assert len(checks.repeated_songs) == 1 and "Moral of the Story" in checks.repeated_songs[0]
    assert checks.missing_genres == ["rock"]
    assert checks.crowded_artists == ["jazzer"]


def test_a_clean_list_passes_every_check_and_holidays_pass_when_asked() -> None:
    tracks = [track(0, "Silent Night", "Jazzer", ["jazz"]), track(1, "Pop Song", "Popper", ["pop"])]
    checks = check_list(tracks, asked=["jazz", "pop"], judge=FakeJudge(), sound=flat_sound(2), holidays_asked=True)
    assert checks.faithful == checks.judged == 2
    assert not (checks.holiday or checks.repeated_songs or checks.missing_genres or checks.crowded_artists)


def test_another_take_keeps_at_most_the_closest_third_of_the_last_take_and_halves_the_spread() -> None:
    request = RecommendationRequest(features=AudioFeatures(**MID), genres={"jazz": 1.0}, n=10, diversity=0.4, seed=3)
    first = [track(i, f"S{i}", "A", ["jazz"], distance=0.1 * (10 - i)) for i in range(10)]
    older = [track(20 + i, f"O{i}", "B", ["jazz"]) for i in range(3)]
    take = another_take(request, [older, first])
    kept = {t.id for t in first} - set(take.avoid)
    assert kept == {"t7", "t8", "t9"}  # the three closest
    assert {"t20", "t21", "t22"} <= set(take.avoid)
    assert take.diversity == pytest.approx(0.2) and take.seed is None and take.n == 10


@pytest.mark.parametrize("text", ["jazz;;pop", ";", "jazz; ,"])
def test_an_empty_request_is_refused_by_name(text: str) -> None:
    with pytest.raises(InvalidInput, match="empty request"):
        parse_requests(text)


def test_requests_are_split_and_tidied() -> None:
    assert parse_requests("jazz; pop , rock") == ["jazz", "pop,rock"]


@pytest.mark.slow
def test_the_audit_command_prints_every_request_over_a_folder_of_photos(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photos = tmp_path / "photos"
    for folder, colour in (("warm", (230, 120, 40)), ("cold", (30, 60, 140))):
        (photos / folder).mkdir(parents=True)
        for i in range(3):
            Image.new("RGB", (64, 48), tuple(c + 5 * i for c in colour)).save(photos / folder / f"{i}.jpg")
    (photos / "notes.txt").write_text("not a photo")
    rng = np.random.default_rng(0)
    rows = []
    for i in range(80):
        features = dict(zip(AUDIO_FEATURES, rng.uniform(0, 1, 8).tolist(), strict=True)) | {"loudness": -8.0}
        genre = ["jazz", "pop", "rock"][i % 3]
        rows.append({"track_id": f"id{i:03d}", "name": f"Song {i}", "artist": f"Artist {i % 40}", "genres": [genre]})
        rows[-1] |= features
    catalog = tmp_path / "catalog.parquet"
    pd.DataFrame(rows).to_parquet(catalog)
    artists = tmp_path / "artists.csv"
    lines = ["artists," + ",".join(AUDIO_FEATURES) + ",count,genres"]
    lines += [f"Artist {i},{','.join(['0.5'] * 5)},-8,0.05,0.5,10,\"['jazz']\"" for i in range(0, 40, 3)]
    artists.write_text("\n".join(lines) + "\n")
    model = random_checkpoint(tmp_path / "m.pt")
    args = ["audit", "playlists", str(photos), "--requests", "jazz;pop,rock", "--photos-per-request", "4", "--n", "5"]
    args += ["--model", str(model), "--catalog", str(catalog), "--artists", str(artists), "--json"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["request"] for r in report["requests"]] == ["jazz", "pop,rock"]
    assert report["photos"] == 4 and report["requests"][0]["lists"] == 4
    assert report["requests"][0]["fidelity"] is not None and "mean_pairwise_overlap" in report["mood"]


def test_the_audit_of_a_folder_without_photos_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "playlists", str(tmp_path), "--model", "models/effnet-vae.pt"]) == 2
    assert "holds no photos" in capsys.readouterr().err
