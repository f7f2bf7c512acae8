"""The feedback API over an in-memory fake RatingStore (the real stores pass the contract in integration)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.feedback.app import create_app
from services.feedback.ratings import Rating
from services.feedback.settings import Settings
from shared.errors import StoreUnavailable

FEATURES = {
    "acousticness": 0.1,
    "danceability": 0.7,
    "energy": 0.8,
    "instrumentalness": 0.0,
    "liveness": 0.1,
    "loudness": -6.0,
    "speechiness": 0.05,
    "valence": 0.6,
}


class FakeRatingStore:
    """A RatingStore in a dict; `down` makes every call fail like an outage."""

    def __init__(self) -> None:
        self.ratings: dict[str, Rating] = {}
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise StoreUnavailable("store is down", retry_after=2)

    async def put(self, rating: Rating) -> bool:
        self._check()
        created = rating.id not in self.ratings
        self.ratings[rating.id] = rating
        return created

    async def for_playlist(self, playlist_id: str) -> list[Rating]:
        self._check()
        return sorted((r for r in self.ratings.values() if r.playlist_id == playlist_id), key=lambda r: r.created_at)

    async def ping(self) -> bool:
        return not self.down

    async def close(self) -> None:
        pass


@pytest.fixture
def store() -> FakeRatingStore:
    return FakeRatingStore()


@pytest.fixture
def client(store: FakeRatingStore) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), store=store)) as test_client:
        yield test_client


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "playlist_id": "p1",
        "rating": 1,
        "features": FEATURES,
        "model_version": "m1",
        "track_ids": ["t1"],
    } | overrides


def test_a_rating_is_stored_and_listed(client: TestClient, store: FakeRatingStore) -> None:
    response = client.post("/v1/ratings", json=body())
    assert response.status_code == 201
    created = response.json()
    assert created["playlist_id"] == "p1" and created["rating"] == 1
    listed = client.get("/v1/ratings", params={"playlist_id": "p1"}).json()["ratings"]
    assert [r["id"] for r in listed] == [created["id"]]
    assert listed[0]["features"] == FEATURES
    assert listed[0]["track_ids"] == ["t1"]


def test_the_same_session_rating_again_replaces_its_rating(client: TestClient, store: FakeRatingStore) -> None:
    first = client.post("/v1/ratings", json=body(session="s1"))
    second = client.post("/v1/ratings", json=body(session="s1", rating=-1))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert [r.rating for r in store.ratings.values()] == [-1]


def test_ratings_without_a_session_are_each_kept(client: TestClient, store: FakeRatingStore) -> None:
    client.post("/v1/ratings", json=body())
    client.post("/v1/ratings", json=body())
    assert len(store.ratings) == 2


@pytest.mark.parametrize(
    "bad",
    [
        {"rating": 0},
        {"rating": 2},
        {"playlist_id": ""},
        {"playlist_id": "a/b"},
        {"features": {**FEATURES, "energy": 1.5}},
        {"features": {k: v for k, v in FEATURES.items() if k != "valence"}},
        {"unexpected": True},
    ],
)
def test_malformed_ratings_are_422_in_the_envelope(client: TestClient, bad: dict[str, Any]) -> None:
    response = client.post("/v1/ratings", json=body(**bad))
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError"


def test_a_store_outage_is_503_with_retry_after_and_not_ready(client: TestClient, store: FakeRatingStore) -> None:
    store.down = True
    response = client.post("/v1/ratings", json=body())
    assert response.status_code == 503
    assert response.json()["error"] == "StoreUnavailable"
    assert response.headers["Retry-After"] == "2"
    assert client.get("/readyz").status_code == 503


def test_ready_when_the_store_answers(client: TestClient) -> None:
    assert client.get("/readyz").json() == {"status": "ready", "checks": {"store": True}}
    assert client.get("/healthz").status_code == 200
    assert "http_request_duration_seconds" in client.get("/metrics").text


def test_ratings_go_to_sqlite_by_default_and_dynamodb_when_configured(tmp_path: Path) -> None:
    from services.feedback.adapters.dynamodb_store import DynamoRatingStore
    from services.feedback.adapters.sqlite_store import SqliteRatingStore
    from services.feedback.runtime import build_store

    sqlite = build_store(Settings(sqlite_path=tmp_path / "r.sqlite3"))
    assert isinstance(sqlite, SqliteRatingStore)
    assert (tmp_path / "r.sqlite3").exists()
    dynamo = build_store(Settings(store="dynamodb", dynamodb_endpoint_url="http://127.0.0.1:1"))
    assert isinstance(dynamo, DynamoRatingStore)
