"""A rating's genre look follows the one rule of shared/photo_reading.py (finite probabilities in [0, 1] summing to
1): a NaN, an Infinity or any other broken look is a 422 in the envelope and nothing is kept; a rating stored or
queued before the rule existed (its NaN became null) is read, exported, deleted and delivered without its look
instead of failing every later request."""

from __future__ import annotations

import io
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from services.feedback.app import create_app
from services.feedback.ratings import timestamp
from services.feedback.settings import Settings
from tests.unit.test_feedback_api import FakeRatingStore, body, client, settings, store, wait_for

__all__ = ["client", "settings", "store"]  # fixtures
ADMIN = {"Authorization": "Bearer a-long-admin-token-for-tests"}
BROKEN_LOOKS = {
    "NaN": {"Pop": float("nan"), "Rock": 0.5},
    "Infinity": {"Pop": float("inf")},
    "-Infinity": {"Pop": float("-inf"), "Rock": 1.0},
    "outside [0, 1]": {"Pop": 1.5, "Rock": -0.5},
    "not summing to 1": {"Pop": 0.3, "Rock": 0.3},
    "empty": {},
    "an empty genre name": {"": 1.0},
    "a genre name of 101 characters": {"x" * 101: 1.0},
    "33 genres": {f"g{i}": 1 / 33 for i in range(33)},
}


def post_raw(client: TestClient, payload: dict[str, Any]) -> Any:
    # json.dumps writes NaN and Infinity as the bare words Python's (and Starlette's) JSON reader accepts.
    content = json.dumps(payload)
    return client.post("/v1/ratings", content=content, headers={"Content-Type": "application/json"})


@pytest.mark.parametrize("look", BROKEN_LOOKS.values(), ids=BROKEN_LOOKS.keys())
def test_a_broken_genre_look_is_422_and_nothing_is_kept(
    client: TestClient, store: FakeRatingStore, look: dict[str, float]
) -> None:
    response = post_raw(client, body(session="s1", genre_look=look))
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError" and "genre_look" in json.dumps(response.json()["detail"])
    assert store.ratings == {} and client.get("/readyz").json()["outbox"]["backlog"] == 0
    assert client.get("/v1/ratings", params={"rater": "session:s1"}).json() == {"ratings": []}
    assert client.get("/v1/admin/export.parquet", headers=ADMIN).status_code == 200


def test_a_good_genre_look_is_kept_as_sent(client: TestClient, store: FakeRatingStore) -> None:
    look = {"Country": 0.06, "Electronic": 0.31, "HipHop": 0.16, "Pop": 0.24, "Rock": 0.23}
    assert post_raw(client, body(session="s1", genre_look=look)).status_code == 201
    assert [r.genre_look for r in store.ratings.values()] == [look]


def stored_row(*, rating_id: str, playlist_id: str, rater: str, look: dict[str, Any]) -> tuple[str, ...]:
    """A ratings_v2 row as the service wrote it before the rule: NaN was serialised as null."""
    created = "2026-11-25T15:00:00.000000Z"
    document = body(
        id=rating_id, playlist_id=playlist_id, rater=rater, session=rater.split(":")[1], genre_look=look
    ) | {"created_at": created}
    return (rating_id, playlist_id, rater, created, json.dumps(document))


@pytest.fixture
def sqlite_client(tmp_path: Path, settings: Settings) -> Iterator[tuple[TestClient, Path]]:
    settings.sqlite_path = tmp_path / "ratings.sqlite3"
    with TestClient(create_app(settings)) as test_client:
        yield test_client, settings.sqlite_path


def test_a_rating_stored_with_a_null_look_is_listed_exported_and_deleted(
    sqlite_client: tuple[TestClient, Path],
) -> None:
    client, path = sqlite_client
    with sqlite3.connect(path) as conn:
        row = stored_row(rating_id="r-old", playlist_id="p-old", rater="session:s1", look={"Pop": None, "Rock": 0.5})
        conn.execute("INSERT INTO ratings_v2 VALUES (?, ?, ?, ?, ?)", row)
    assert post_raw(client, body(playlist_id="p-new", session="s1", genre_look={"Pop": 1.0})).status_code == 201
    listed = client.get("/v1/ratings", params={"rater": "session:s1"})
    assert listed.status_code == 200
    assert {r["playlist_id"]: r["genre_look"] for r in listed.json()["ratings"]} == {
        "p-old": None,
        "p-new": {"Pop": 1.0},
    }
    exported = client.get("/v1/admin/export.parquet", headers=ADMIN)
    assert exported.status_code == 200 and exported.headers["X-Ratings-Exported"] == "2"
    looks = pq.read_table(io.BytesIO(exported.content)).column("genre_look").to_pylist()
    assert sorted(looks, key=str) == [None, '{"Pop": 1.0}']
    assert client.delete("/v1/ratings", params={"rater": "session:s1"}).json() == {"deleted": 2}


def test_a_queued_rating_with_a_null_look_is_delivered_and_does_not_hold_back_later_ones(
    store: FakeRatingStore, settings: Settings
) -> None:
    with sqlite3.connect(settings.outbox_path) as conn:
        conn.execute(
            "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, rater TEXT NOT NULL, "
            "rating TEXT NOT NULL, enqueued_at REAL NOT NULL)"
        )
        _, _, rater, created, document = stored_row(
            rating_id="r-queued", playlist_id="p-queued", rater="session:s1", look={"Pop": None}
        )
        conn.execute("INSERT INTO outbox (rater, rating, enqueued_at) VALUES (?, ?, ?)", (rater, document, time.time()))
    with TestClient(create_app(settings, store=store)) as client:
        wait_for(lambda: "r-queued" in store.ratings)
        assert store.ratings["r-queued"].genre_look is None
        assert timestamp(store.ratings["r-queued"].created_at) == created
        assert post_raw(client, body(playlist_id="p-later", session="s1")).status_code == 201
