"""What a store can never take does not hold the others back. Each string a rating carries is bounded, so a rating
cannot outgrow what the store holds (a DynamoDB item is at most 400 KB): a track id over 22 characters or a genre
name over 100 is a 422 in the envelope and nothing is kept. A rating the store still refuses for good is a 502
StoreRefused when sent, and set aside (dead letter, counted on /metrics and /readyz) when it was waiting in the
outbox, so the ratings behind it are delivered; a store that is only down (a failing photo disk included) keeps
ratings waiting."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.feedback.app import create_app
from services.feedback.ratings import PutResult, Rating
from services.feedback.settings import Settings
from shared.errors import StoreRefused
from shared.genres import MAX_NAME_CHARS
from shared.rating import TRACK_ID_MAX_CHARS
from tests.unit.test_feedback_api import FakeRatingStore, body, client, settings, store, wait_for

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


class RefusingRatingStore(FakeRatingStore):
    """A FakeRatingStore that refuses the ratings of some playlists for good, as DynamoDB refuses an item over 400 KB
    (ValidationException: services/feedback/adapters/dynamodb_errors.py makes it StoreRefused)."""

    def __init__(self, *refused: str) -> None:
        super().__init__()
        self.refused = set(refused)

    async def put(self, rating: Rating) -> PutResult:
        if rating.playlist_id in self.refused and not self.down:
            raise StoreRefused("Item size has exceeded the maximum allowed size")
        return await super().put(rating)


@pytest.fixture
def refusing() -> RefusingRatingStore:
    return RefusingRatingStore("p-refused")


@pytest.fixture
def refusing_client(refusing: RefusingRatingStore, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=refusing)) as test_client:
        yield test_client


def test_a_rating_the_store_refuses_for_good_is_a_502_and_not_queued(
    refusing_client: TestClient, refusing: RefusingRatingStore
) -> None:
    response = refusing_client.post("/v1/ratings", json=body(playlist_id="p-refused", session="s1"))
    assert response.status_code == 502 and response.json()["error"] == "StoreRefused"
    assert refusing.ratings == {} and refusing_client.get("/readyz").json()["outbox"]["backlog"] == 0
    assert refusing_client.post("/v1/ratings", json=body(playlist_id="p-next", session="s1")).status_code == 201


def test_a_queued_rating_the_store_refuses_is_set_aside_and_the_ones_behind_it_are_delivered(
    refusing_client: TestClient, refusing: RefusingRatingStore
) -> None:
    refusing.down = True
    for playlist_id in ("p-before", "p-refused", "p-after"):
        assert refusing_client.post("/v1/ratings", json=body(playlist_id=playlist_id, session="s1")).status_code == 202
    refusing.down = False
    wait_for(lambda: refusing_client.get("/readyz").json()["outbox"]["backlog"] == 0)
    assert sorted(r.playlist_id for r in refusing.ratings.values()) == ["p-after", "p-before"]
    ready = refusing_client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["outbox"]["dead_letters"] == 1
    assert "feedback_outbox_dead_letters 1.0" in refusing_client.get("/metrics").text
    # The queue flows again: a new rating is stored at once, not queued behind the refused one.
    assert refusing_client.post("/v1/ratings", json=body(playlist_id="p-later", session="s1")).status_code == 201
    # Deleting the rater's ratings deletes the one set aside too.
    assert refusing_client.delete("/v1/ratings", params={"rater": "session:s1"}).json() == {"deleted": 4}
    assert refusing_client.get("/readyz").json()["outbox"]["dead_letters"] == 0


def test_a_failing_photo_folder_keeps_the_rating_waiting_and_it_is_delivered_once_the_folder_works(
    store: FakeRatingStore, settings: Settings, tmp_path: Path
) -> None:
    blocked = tmp_path / "photos-on-a-broken-disk"
    blocked.write_text("a file where the folder should be: every write under it fails (OSError)")
    settings.photo_store = str(blocked)
    big = base64.b64encode(b"\xff\xd8" + bytes(5000)).decode()  # above the inline limit: goes to the folder
    with TestClient(create_app(settings, store=store)) as client:
        queued = client.post("/v1/ratings", json=body(playlist_id="p-photo", session="s1", photo=big))
        assert queued.status_code == 202 and queued.json()["queued"] is True
        time.sleep(0.3)  # several delivery rounds (every 0.05 s) fail on the folder: it waits, it is not set aside
        outbox = client.get("/readyz").json()["outbox"]
        assert (outbox["backlog"], outbox["dead_letters"]) == (1, 0)
        blocked.unlink()
        wait_for(lambda: client.get("/readyz").json()["outbox"]["backlog"] == 0)
        (kept,) = store.ratings.values()
        assert kept.photo_ref is not None and (blocked / kept.photo_ref).exists()
