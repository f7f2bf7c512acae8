"""Signing in keeps what the guest made, through the real processes (gateway -> playlist service -> the fake
Spotify; feedback -> DynamoDB API): the guest's playlists and ratings belong to the account after sign-in, once. A
second sign-in, after rating again in between, neither duplicates nor reverts the rating."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_spotify_flow import Recorder

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def stored_ratings(stack: Stack, playlist_id: str) -> list[tuple[str, int]]:
    """(rater, rating) of every rating the feedback service holds for the playlist."""
    answer = httpx.get(f"{stack.feedback}/v1/ratings", params={"playlist_id": playlist_id}, timeout=10)
    assert answer.status_code == 200, answer.text
    return sorted((r["rater"], r["rating"]) for r in answer.json()["ratings"])


def test_signing_in_carries_the_guests_playlists_and_ratings_once(stack: Stack) -> None:
    browser = Recorder(stack)
    made = browser.make_playlist(genres="rock")
    assert browser("POST", f"/v1/playlists/{made['id']}/feedback", json={"rating": 1}).status_code == 201
    (guest_rater,) = [rater for rater, _ in stored_ratings(stack, made["id"])]
    assert guest_rater.startswith("session:")

    assert browser.sign_in("demo").status_code == 303
    assert browser("GET", f"/v1/playlists/{made['id']}").status_code == 200  # the new session has it
    assert stored_ratings(stack, made["id"]) == [("spotify:demo", 1)]  # moved, not copied
    mine = [r for r in browser("GET", "/v1/me/ratings").json()["ratings"] if r["playlist_id"] == made["id"]]
    assert [(r["rater"], r["rating"]) for r in mine] == [("spotify:demo", 1)]

    changed = browser("POST", f"/v1/playlists/{made['id']}/feedback", json={"rating": -1})
    assert changed.status_code == 200, changed.text  # replaced the account's rating, not a second one
    assert browser.sign_in("demo").status_code == 303  # again, from the signed-in session
    assert browser("GET", f"/v1/playlists/{made['id']}").status_code == 200
    assert stored_ratings(stack, made["id"]) == [("spotify:demo", -1)]
    assert browser("POST", "/v1/auth/logout").is_success
