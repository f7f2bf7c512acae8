"""Spotify failing under a signed-in upload, through the real processes (gateway -> inference, playlist service,
feedback -> the fake Spotify over HTTP): a 429 is waited out when its Retry-After is short; a long one, a 5xx or a
call slower than the playlist service's Spotify timeout still gives the person the playlist (201) with a warning that
it is not on Spotify and `spotify_pending`, and "save again" (POST /v1/playlists/{id}/spotify) puts it there once
Spotify answers; nothing half-made is left on the account (a playlist created before adding its tracks failed is
removed); and the stack keeps serving afterwards."""

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


def not_saved(made: httpx.Response) -> dict:
    """The playlist the person got although Spotify failed: 201, tracks, a warning, no Spotify part yet."""
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["spotify"] is None and body["spotify_pending"] is True
    assert len(body["tracks"]) == 5
    assert any(w.startswith("Not saved to Spotify") for w in body["warnings"]), body["warnings"]
    return body


def test_a_long_429_on_playlist_creation_gives_the_playlist_with_a_warning_and_makes_nothing(
    stack: Stack, user: Recorder
) -> None:
    before = on_spotify(stack)
    fault(stack, status=429, retry_after=30, path_prefix="/v1/me/playlists")
    body = not_saved(upload(user))
    assert any("rate limiting" in w for w in body["warnings"])
    assert on_spotify(stack).keys() == before.keys()


@pytest.mark.parametrize("status", [500, 502, 503])
def test_spotify_failing_at_creation_gives_the_playlist_and_makes_nothing(
    stack: Stack, user: Recorder, status: int
) -> None:
    before = on_spotify(stack)
    fault(stack, status=status, path_prefix="/v1/me/playlists")
    not_saved(upload(user))
    assert on_spotify(stack).keys() == before.keys()


@pytest.mark.parametrize("status", [500, 503])
def test_spotify_failing_while_tracks_are_added_leaves_no_empty_playlist(
    stack: Stack, user: Recorder, status: int
) -> None:
    before = on_spotify(stack)
    fault(stack, status=status, path_prefix="/v1/playlists/")  # the first call after creation: adding the tracks
    not_saved(upload(user))
    assert len(on_spotify(stack)) == len(before) + 1  # it was created ...
    assert left_on_the_account(stack, before) == []  # ... and removed again


def test_spotify_slower_than_the_timeout_leaves_no_empty_playlist(stack: Stack, user: Recorder) -> None:
    before = on_spotify(stack)
    # Past the playlist service's 4 s Spotify timeout, inside the gateway's 10 s playlist timeout.
    fault(stack, status=0, delay_s=7.0, path_prefix="/v1/playlists/")
    start = time.monotonic()
    body = not_saved(upload(user))
    took = time.monotonic() - start
    assert any("did not answer" in w for w in body["warnings"]), body["warnings"]
    assert took < 9.0, f"answered after {took:.1f} s: the gateway's own timeout, not the playlist service's"
    assert left_on_the_account(stack, before) == []


def test_save_again_puts_the_playlist_on_spotify_once_it_answers_and_rating_still_works(
    stack: Stack, user: Recorder
) -> None:
    before = on_spotify(stack)
    fault(stack, status=503, path_prefix="/v1/me/playlists")
    body = not_saved(upload(user))
    fault(stack, status=503, path_prefix="/v1/me/playlists")
    still_down = user("POST", f"/v1/playlists/{body['id']}/spotify")
    assert (still_down.status_code, still_down.json()["error"]) == (503, "UpstreamUnavailable")
    saved = user("POST", f"/v1/playlists/{body['id']}/spotify")
    assert saved.status_code == 200, saved.text
    again = saved.json()
    assert again["spotify_pending"] is False and again["spotify"]["id"]
    assert not any(w.startswith("Not saved to Spotify") for w in again["warnings"])
    (landed,) = left_on_the_account(stack, before)
    assert landed["id"] == again["spotify"]["id"]
    assert landed["track_ids"] == [t["id"] for t in again["tracks"]] and landed["cover_bytes"] > 0
    twice = user("POST", f"/v1/playlists/{body['id']}/spotify")  # a repeated click makes no second playlist
    assert twice.json()["spotify"]["id"] == landed["id"] and len(left_on_the_account(stack, before)) == 1
    assert user("GET", f"/v1/playlists/{body['id']}").json()["spotify"]["id"] == landed["id"]
    rated = user("POST", f"/v1/playlists/{body['id']}/feedback", json={"rating": 1})
    assert rated.status_code == 201, rated.text


def test_after_spotify_faults_uploads_are_served_again(stack: Stack, user: Recorder) -> None:
    before = on_spotify(stack)
    made = upload(user)
    assert made.status_code == 201, made.text
    assert [p["id"] for p in left_on_the_account(stack, before)] == [made.json()["spotify"]["id"]]
    assert httpx.get(f"{stack.gateway}/readyz", timeout=10).status_code == 200
