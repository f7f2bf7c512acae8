"""Spare tracks at any length, through the real processes (gateway -> playlist service -> the fake Spotify): a
playlist of 100 whose 10 tracks Spotify no longer has still lands on the account with 100 tracks; the 90 it keeps
stay in the playlist's order and the 10 that take the gone ones' places are the recommender's first spares, in the
recommender's order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.playlist.genres.mapping import load_genre_mapper
from services.playlist.recommend.catalog import load_catalog
from services.playlist.recommend.recommender import Recommender
from shared.recommendation import RecommendationRequest, default_spares
from tests.e2e.conftest import Stack
from tests.e2e.test_playlist_flow import sunset_photo
from tests.e2e.test_spotify_flow import Recorder, fake, on_spotify

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

N = 100
GONE_AT = (0, 9, 10, 33, 34, 50, 51, 77, 98, 99)  # first, last, neighbours and the middle


@pytest.fixture
def user(stack: Stack) -> Iterator[Recorder]:
    browser = Recorder(stack)
    assert browser.sign_in("demo").status_code == 303
    yield browser
    assert browser("POST", "/v1/auth/logout").is_success


@pytest.fixture
def gone_tracks(stack: Stack) -> Iterator[list[str]]:
    """Tracks the test marks as gone from Spotify; all put back afterwards (the fake serves every test)."""
    gone: list[str] = []
    yield gone
    fake("DELETE", stack, "/_fake/gone-tracks")


def make_unsaved(stack: Stack, user: Recorder) -> dict:
    """A 100-track playlist made while Spotify failed: the person has it, Spotify has nothing yet."""
    fake("POST", stack, "/_fake/faults", json={"status": 503, "path_prefix": "/v1/me/playlists"})
    files = {"image": ("sunset.jpg", sunset_photo(), "image/jpeg")}
    made = user("POST", "/v1/playlists", files=files, data={"n": str(N), "genres": "rock"})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["spotify_pending"] is True and len(body["tracks"]) == N
    return body


def recommenders_spares(body: dict) -> list[str]:
    """The spares the recommender gives this request (the playlist service's code and shipped data, in-process);
    its tracks must be the playlist's, or the spares would be another request's."""
    recommender = Recommender(load_catalog(), load_genre_mapper())
    request = RecommendationRequest(features=body["features"], genres={"rock": 1.0}, n=N, mode=body["mode"])
    answer = recommender.recommend(request)
    assert [t.id for t in answer.tracks] == [t["id"] for t in body["tracks"]]
    assert len(answer.spares) == default_spares(N) >= len(GONE_AT)
    return [t.id for t in answer.spares]


def test_a_hundred_tracks_with_ten_gone_from_spotify_still_land_as_a_hundred_in_candidate_order(
    stack: Stack, user: Recorder, gone_tracks: list[str]
) -> None:
    before = on_spotify(stack)
    body = make_unsaved(stack, user)
    tracks = [t["id"] for t in body["tracks"]]
    gone_tracks.extend(tracks[i] for i in GONE_AT)
    fake("POST", stack, "/_fake/gone-tracks", json={"ids": gone_tracks})

    saved = user("POST", f"/v1/playlists/{body['id']}/spotify")
    assert saved.status_code == 200, saved.text
    again = saved.json()
    (landed,) = [p for p_id, p in on_spotify(stack).items() if p_id not in before and p["followed"]]
    assert landed["id"] == again["spotify"]["id"]
    on_account = landed["track_ids"]
    assert len(on_account) == N and len(set(on_account)) == N
    assert not set(gone_tracks) & set(on_account)
    assert on_account[: N - len(GONE_AT)] == [t for t in tracks if t not in gone_tracks]  # kept, in order
    assert on_account[N - len(GONE_AT) :] == recommenders_spares(body)[: len(GONE_AT)]  # the first spares, in order
    assert [t["id"] for t in again["tracks"]] == on_account  # the person's list is what Spotify holds
    assert any(w.startswith(f"{len(GONE_AT)} tracks are no longer on Spotify") for w in again["warnings"])
