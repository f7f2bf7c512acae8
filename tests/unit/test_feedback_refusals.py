"""What a store can never take does not hold the others back. Each string a rating carries is bounded, so a rating
cannot outgrow what the store holds (a DynamoDB item is at most 400 KB): a track id over 22 characters or a genre
name over 100 is a 422 in the envelope and nothing is kept."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shared.genres import MAX_NAME_CHARS
from shared.rating import TRACK_ID_MAX_CHARS
from tests.unit.test_feedback_api import FakeRatingStore, body, client, settings, store

__all__ = ["client", "settings", "store"]  # fixtures
SPOTIFY_TRACK_ID = "4uLU6hMCjMI75M1A2tKUQC"
TOO_LONG = {
    "a track id of 23 characters": {"track_ids": [SPOTIFY_TRACK_ID + "x"]},
    "a 300 KB track id": {"track_ids": ["x" * 300_000]},
    "an empty track id": {"track_ids": [""]},
    "a genre name of 101 characters": {"genres": ["g" * (MAX_NAME_CHARS + 1)]},
    "an empty genre name": {"genres": [""]},
}


@pytest.mark.parametrize("bad", TOO_LONG.values(), ids=TOO_LONG.keys())
def test_an_overlong_string_in_a_rating_is_422_and_nothing_is_kept(
    client: TestClient, store: FakeRatingStore, bad: dict[str, Any]
) -> None:
    response = client.post("/v1/ratings", json=body(session="s1", **bad))
    assert response.status_code == 422 and response.json()["error"] == "ValidationError"
    assert store.ratings == {} and client.get("/readyz").json()["outbox"]["backlog"] == 0


def test_spotify_track_ids_and_genre_names_up_to_the_bounds_are_kept(
    client: TestClient, store: FakeRatingStore
) -> None:
    assert len(SPOTIFY_TRACK_ID) == TRACK_ID_MAX_CHARS
    genres = ["pop", "g" * MAX_NAME_CHARS]
    assert (
        client.post("/v1/ratings", json=body(session="s1", track_ids=[SPOTIFY_TRACK_ID], genres=genres)).status_code
        == 201
    )
    (kept,) = store.ratings.values()
    assert kept.track_ids == [SPOTIFY_TRACK_ID] and kept.genres == genres
