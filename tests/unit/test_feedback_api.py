"""The feedback API over an in-memory fake RatingStore (the real stores pass the contract in integration): ratings
recorded, conditional replacement, idempotent retries, the outbox through an outage, a rater's own ratings, the
admin export."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.feedback.adapters.photos import FolderPhotoStore
from services.feedback.app import create_app
from services.feedback.ratings import PutResult, Rating, should_replace, timestamp
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
    """A RatingStore in a dict, with the real stores' conditional write; `down` fails every call like an outage."""

    def __init__(self) -> None:
        self.ratings: dict[str, Rating] = {}
        self.down = False
        self.writes: list[str] = []

    def _check(self) -> None:
        if self.down:
            raise StoreUnavailable("store is down", retry_after=2)

    async def put(self, rating: Rating) -> PutResult:
        self._check()
        stored = self.ratings.get(rating.id)
        if not should_replace(stored, rating):
            return PutResult("unchanged", stored.photo_ref if stored else None)
        self.ratings[rating.id] = rating
        self.writes.append(rating.id)
        return PutResult("created") if stored is None else PutResult("replaced", stored.photo_ref)

    async def get(self, playlist_id: str, rating_id: str) -> Rating | None:
        self._check()
        return self.ratings.get(rating_id)

    def _sorted(self, keep: Any) -> list[Rating]:
        return sorted((r for r in self.ratings.values() if keep(r)), key=lambda r: (r.created_at, r.id))

    async def for_playlist(self, playlist_id: str) -> list[Rating]:
        self._check()
        return self._sorted(lambda r: r.playlist_id == playlist_id)

    async def for_rater(self, rater: str) -> list[Rating]:
        self._check()
        return self._sorted(lambda r: r.rater == rater)

    async def delete(self, playlist_id: str, rating_id: str, *, created_at: datetime | None = None) -> bool:
        self._check()
        stored = self.ratings.get(rating_id)
        if stored is None or (created_at is not None and timestamp(stored.created_at) != timestamp(created_at)):
            return False
        del self.ratings[rating_id]
        return True

    async def scan(self, *, limit: int, cursor: str | None = None) -> tuple[list[Rating], str | None]:
        self._check()
        ids = sorted(i for i in self.ratings if i > (cursor or ""))[:limit]
        return [self.ratings[i] for i in ids], (ids[-1] if len(ids) == limit else None)

    async def ping(self) -> bool:
        return not self.down

    async def close(self) -> None:
        pass


@pytest.fixture
def store() -> FakeRatingStore:
    return FakeRatingStore()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        outbox_path=tmp_path / "outbox.sqlite3",
        outbox_retry_s=0.05,
        photo_store=str(tmp_path / "photos"),
        photo_inline_max_bytes=1000,
        admin_token=SecretStr("a-long-admin-token-for-tests"),
        export_page_size=2,
    )


@pytest.fixture
def client(store: FakeRatingStore, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=store)) as test_client:
        yield test_client


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "playlist_id": "p1",
        "rating": 1,
        "features": FEATURES,
        "model_version": "m1",
        "track_ids": ["t1"],
    } | overrides


def wait_for(condition: Any, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_a_rating_is_stored_with_everything_it_carries(client: TestClient, store: FakeRatingStore) -> None:
    extra = {
        "mood": {"valence": 6.5, "arousal": 3.0},
        "genre_look": {"Pop": 0.75, "Rock": 0.25},
        "genres": ["pop"],
        "mode": "calm",
        "user": "spotify-user-1",
        "session": "s1",
        "photo": "aGVsbG8=",
    }
    response = client.post("/v1/ratings", json=body(**extra))
    assert response.status_code == 201
    created = response.json()
    assert created["playlist_id"] == "p1" and created["rating"] == 1 and created["queued"] is False
    listed = client.get("/v1/ratings", params={"playlist_id": "p1"}).json()["ratings"]
    assert [r["id"] for r in listed] == [created["id"]]
    (one,) = listed
    assert one["features"] == FEATURES and one["track_ids"] == ["t1"] and one["mode"] == "calm"
    assert one["rater"] == "spotify:spotify-user-1" and one["mood"] == extra["mood"] and one["photo"] == "aGVsbG8="


def test_the_same_rater_rating_again_replaces_its_rating(client: TestClient, store: FakeRatingStore) -> None:
    first = client.post("/v1/ratings", json=body(session="s1"))
    second = client.post("/v1/ratings", json=body(session="s1", rating=-1))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert [r.rating for r in store.ratings.values()] == [-1]


def test_an_older_rating_never_overwrites_a_newer_one(client: TestClient, store: FakeRatingStore) -> None:
    client.post("/v1/ratings", json=body(session="s1", rating=-1, rated_at="2026-11-30T10:00:00Z"))
    late = client.post("/v1/ratings", json=body(session="s1", rating=1, rated_at="2026-11-30T09:59:00Z"))
    assert late.status_code == 200 and late.json()["rating"] == -1
    assert [r.rating for r in store.ratings.values()] == [-1]


def test_a_retry_with_the_same_idempotency_key_changes_nothing(client: TestClient, store: FakeRatingStore) -> None:
    headers = {"Idempotency-Key": "k-1"}
    first = client.post("/v1/ratings", json=body(session="s1"), headers=headers)
    again = client.post("/v1/ratings", json=body(session="s1", rating=-1), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(store.writes) == 1


def test_ratings_without_a_rater_are_each_kept(client: TestClient, store: FakeRatingStore) -> None:
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
        {"mood": {"valence": 12, "arousal": 5}},
        {"unexpected": True},
    ],
)
def test_malformed_ratings_are_422_in_the_envelope(client: TestClient, bad: dict[str, Any]) -> None:
    response = client.post("/v1/ratings", json=body(**bad))
    assert response.status_code == 422
    assert response.json()["error"] == "ValidationError"


def test_a_store_outage_queues_ratings_and_delivers_them_in_order_once(
    client: TestClient, store: FakeRatingStore
) -> None:
    store.down = True
    answers = [client.post("/v1/ratings", json=body(playlist_id=f"p{i}", session="s1")) for i in range(3)]
    changed = client.post("/v1/ratings", json=body(playlist_id="p0", session="s1", rating=-1))
    assert [a.status_code for a in [*answers, changed]] == [202] * 4
    assert all(a.json()["queued"] for a in answers)
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["store"] is False and ready["outbox"]["backlog"] == 4
    assert "feedback_outbox_backlog 4.0" in client.get("/metrics").text
    store.down = False
    wait_for(lambda: client.get("/readyz").json()["outbox"]["backlog"] == 0)
    assert store.writes == [
        answers[0].json()["id"],
        answers[1].json()["id"],
        answers[2].json()["id"],
        answers[0].json()["id"],
    ]
    assert sorted((r.playlist_id, r.rating) for r in store.ratings.values()) == [("p0", -1), ("p1", 1), ("p2", 1)]
    assert "feedback_outbox_backlog 0.0" in client.get("/metrics").text


def test_the_outbox_survives_a_restart(store: FakeRatingStore, settings: Settings) -> None:
    store.down = True
    with TestClient(create_app(settings, store=store)) as client:
        assert client.post("/v1/ratings", json=body(session="s9")).status_code == 202
    store.down = False
    with TestClient(create_app(settings, store=store)) as client:
        wait_for(lambda: len(store.ratings) == 1)
        assert client.get("/readyz").json()["outbox"]["backlog"] == 0


def test_a_rater_lists_and_deletes_their_ratings_photos_included(
    client: TestClient, store: FakeRatingStore, settings: Settings
) -> None:
    big = b"\xff\xd8" + bytes(5000)  # above the inline limit: goes to the photo store with a reference
    import base64

    client.post("/v1/ratings", json=body(playlist_id="a", session="s1", photo=base64.b64encode(big).decode()))
    client.post("/v1/ratings", json=body(playlist_id="b", user="u1"))
    client.post("/v1/ratings", json=body(playlist_id="c", session="other"))
    (stored_a,) = [r for r in store.ratings.values() if r.playlist_id == "a"]
    assert stored_a.photo is None and stored_a.photo_ref is not None
    photo_file = Path(settings.photo_store) / stored_a.photo_ref
    assert photo_file.read_bytes() == big
    mine = client.get("/v1/ratings", params=[("rater", "session:s1"), ("rater", "spotify:u1")]).json()["ratings"]
    assert sorted(r["playlist_id"] for r in mine) == ["a", "b"]
    assert base64.urlsafe_b64decode(next(r["photo"] for r in mine if r["playlist_id"] == "a")) == big
    deleted = client.delete("/v1/ratings", params=[("rater", "session:s1"), ("rater", "spotify:u1")])
    assert deleted.json() == {"deleted": 2}
    assert [r.playlist_id for r in store.ratings.values()] == ["c"]
    assert not photo_file.exists()
    assert client.get("/v1/ratings", params={"rater": "bad rater"}).status_code == 422
    five = tuple(("rater", f"session:s{i}") for i in range(5))
    assert client.get("/v1/ratings", params=five).status_code == 422  # at most 4 keys
    assert client.delete("/v1/ratings", params=five).status_code == 422
    assert client.delete("/v1/ratings").status_code == 422  # deleting needs at least one key
    assert len(store.ratings) == 1  # none of the refused requests deleted anything


def test_the_admin_export_needs_the_token_and_pages_through_everything(
    client: TestClient, store: FakeRatingStore
) -> None:
    for i in range(5):
        client.post("/v1/ratings", json=body(playlist_id=f"p{i}", session="s1", rating=1 if i % 2 else -1))
    assert client.get("/v1/admin/export.parquet").status_code == 401
    auth = {"Authorization": "Bearer a-long-admin-token-for-tests"}
    response = client.get("/v1/admin/export.parquet", headers=auth)
    assert response.status_code == 200 and response.headers["X-Ratings-Exported"] == "5"
    table = pq.read_table(io.BytesIO(response.content))
    assert table.num_rows == 5 and sorted(table.column("reward").to_pylist()) == [-1, -1, -1, 1, 1]
    assert {"cover", "features", "genre", "release_id", "split", "track_id", "model_version"} <= set(table.column_names)
    assert len(store.ratings) == 5
    client.get("/v1/admin/export.parquet", headers=auth, params={"delete": "true"})
    assert store.ratings == {}


def test_ready_when_the_outbox_answers(client: TestClient) -> None:
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["checks"] == {"outbox": True} and ready["store"] is True
    assert client.get("/healthz").status_code == 200
    assert "http_request_duration_seconds" in client.get("/metrics").text


def test_ratings_go_to_sqlite_by_default_and_dynamodb_when_configured(tmp_path: Path) -> None:
    from services.feedback.adapters.dynamodb_store import DynamoRatingStore
    from services.feedback.adapters.sqlite_store import SqliteRatingStore
    from services.feedback.stores import build_photo_store, build_store

    sqlite = build_store(Settings(sqlite_path=tmp_path / "r.sqlite3"))
    assert isinstance(sqlite, SqliteRatingStore)
    assert (tmp_path / "r.sqlite3").exists()
    dynamo = build_store(Settings(store="dynamodb", dynamodb_endpoint_url="http://127.0.0.1:1"))
    assert isinstance(dynamo, DynamoRatingStore)
    assert isinstance(build_photo_store(Settings(photo_store=str(tmp_path))), FolderPhotoStore)


def test_an_empty_admin_token_turns_the_admin_routes_off(store: FakeRatingStore, settings: Settings) -> None:
    settings.admin_token = SecretStr("")
    with TestClient(create_app(settings, store=store)) as client:
        for header in ("Bearer ", "Bearer", ""):
            answer = client.get("/v1/admin/export.parquet", headers={"Authorization": header})
            assert answer.status_code == 401
