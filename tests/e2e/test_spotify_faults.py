"""Spotify failing under a signed-in upload, through the real processes (gateway -> playlist service -> the fake
Spotify over HTTP): a 429 is waited out when its Retry-After is short and answered 503 with it when long; a 5xx or a
call slower than the playlist service's Spotify timeout is a named error; nothing half-made is left on the account
(a playlist created before adding its tracks failed is removed); and the stack keeps serving afterwards."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_playlist_flow import sunset_photo
from tests.e2e.test_spotify_flow import Recorder, fake, on_spotify

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def user(stack: Stack) -> Iterator[Recorder]:
    """The demo user, signed in through the gateway, signed out afterwards (other tests count the tokens kept)."""
    browser = Recorder(stack)
    assert browser.sign_in("demo").status_code == 303
    yield browser
    assert browser("POST", "/v1/auth/logout").is_success


def upload(user: Recorder) -> httpx.Response:
    files = {"image": ("sunset.jpg", sunset_photo(), "image/jpeg")}
    return user("POST", "/v1/playlists", files=files, data={"n": "5", "genres": "rock"})


def fault(stack: Stack, **body: object) -> None:
    fake("POST", stack, "/_fake/faults", json=body)


def left_on_the_account(stack: Stack, before: dict[str, dict]) -> list[dict]:
    """Playlists made since `before` that are still in the user's library."""
    return [p for p_id, p in on_spotify(stack).items() if p_id not in before and p["followed"]]


def test_a_short_429_on_the_profile_is_waited_out_and_a_long_one_passed_on(stack: Stack, user: Recorder) -> None:
    fault(stack, status=429, retry_after=1, path_prefix="/v1/me/top")
    start = time.monotonic()
    waited = user("GET", "/v1/me/genres", params={"refresh": "true"})
    assert waited.status_code == 200, waited.text
    assert time.monotonic() - start >= 1.0
    fault(stack, status=429, retry_after=30, path_prefix="/v1/me/top")
    limited = user("GET", "/v1/me/genres", params={"refresh": "true"})
    assert (limited.status_code, limited.json()["error"]) == (503, "UpstreamUnavailable")
    assert limited.headers["Retry-After"] == "30"


def test_a_short_429_on_playlist_creation_is_waited_out_and_makes_one_playlist(stack: Stack, user: Recorder) -> None:
    before = on_spotify(stack)
    fault(stack, status=429, retry_after=1, path_prefix="/v1/me/playlists")
    made = upload(user)
    assert made.status_code == 201, made.text
    (landed,) = left_on_the_account(stack, before)
    assert landed["id"] == made.json()["spotify"]["id"] and len(landed["track_ids"]) == 5


def test_a_long_429_on_playlist_creation_is_503_with_retry_after_and_makes_nothing(
    stack: Stack, user: Recorder
) -> None:
    before = on_spotify(stack)
    fault(stack, status=429, retry_after=30, path_prefix="/v1/me/playlists")
    refused = upload(user)
    assert (refused.status_code, refused.json()["error"]) == (503, "UpstreamUnavailable")
    assert refused.headers["Retry-After"] == "30"
    assert "rate limiting" in refused.json()["detail"]
    assert on_spotify(stack).keys() == before.keys()


@pytest.mark.parametrize("status", [500, 502, 503])
def test_spotify_failing_at_creation_is_503_and_makes_nothing(stack: Stack, user: Recorder, status: int) -> None:
    before = on_spotify(stack)
    fault(stack, status=status, path_prefix="/v1/me/playlists")
    failed = upload(user)
    assert (failed.status_code, failed.json()["error"]) == (503, "UpstreamUnavailable"), failed.text
    assert failed.headers["Retry-After"]
    assert on_spotify(stack).keys() == before.keys()


@pytest.mark.parametrize("status", [500, 503])
def test_spotify_failing_while_tracks_are_added_leaves_no_empty_playlist(
    stack: Stack, user: Recorder, status: int
) -> None:
    before = on_spotify(stack)
    fault(stack, status=status, path_prefix="/v1/playlists/")  # the first call after creation: adding the tracks
    failed = upload(user)
    assert (failed.status_code, failed.json()["error"]) == (503, "UpstreamUnavailable"), failed.text
    assert len(on_spotify(stack)) == len(before) + 1  # it was created ...
    assert left_on_the_account(stack, before) == []  # ... and removed again


def test_spotify_slower_than_the_timeout_is_504_and_leaves_no_empty_playlist(stack: Stack, user: Recorder) -> None:
    before = on_spotify(stack)
    # Past the playlist service's 4 s Spotify timeout, inside the gateway's 10 s playlist timeout.
    fault(stack, status=0, delay_s=7.0, path_prefix="/v1/playlists/")
    start = time.monotonic()
    slow = upload(user)
    took = time.monotonic() - start
    assert (slow.status_code, slow.json()["error"]) == (504, "UpstreamTimeout"), slow.text
    assert took < 9.0, f"answered after {took:.1f} s: the gateway's own timeout, not the playlist service's"
    assert left_on_the_account(stack, before) == []


def test_after_spotify_faults_uploads_are_served_again(stack: Stack, user: Recorder) -> None:
    before = on_spotify(stack)
    made = upload(user)
    assert made.status_code == 201, made.text
    assert [p["id"] for p in left_on_the_account(stack, before)] == [made.json()["spotify"]["id"]]
    assert httpx.get(f"{stack.gateway}/readyz", timeout=10).status_code == 200
