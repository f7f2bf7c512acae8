"""The SQLite and DynamoDB rating stores pass the same contract, against a real file and a real DynamoDB API."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import boto3
import pytest

from services.feedback.adapters.dynamodb_store import DynamoRatingStore
from services.feedback.adapters.sqlite_store import SqliteRatingStore
from services.feedback.ratings import PutResult, Rating, RatingStore, new_rating
from shared.errors import StoreRefused, StoreUnavailable
from shared.features import AudioFeatures
from shared.photo_reading import PhotoMood

pytestmark = pytest.mark.integration
FEATURES = AudioFeatures(
    acousticness=0.25,
    danceability=0.5,
    energy=0.125,
    instrumentalness=0.0,
    liveness=0.3,
    loudness=-7.25,
    speechiness=0.04,
    valence=0.9,
)
T0 = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "dynamodb"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[RatingStore]:
    built: RatingStore
    if request.param == "sqlite":
        built = SqliteRatingStore(tmp_path / "ratings.sqlite3")
    else:
        endpoint = request.getfixturevalue("dynamodb_service")
        built = DynamoRatingStore(table=f"ratings-{uuid.uuid4().hex[:8]}", region="us-east-1", endpoint_url=endpoint)
    yield built
    await built.close()


def rating(playlist_id: str, value: Literal[1, -1], *, session: str | None, minutes: int = 0) -> Rating:
    return new_rating(
        playlist_id=playlist_id,
        rating=value,
        features=FEATURES,
        model_version="m1",
        track_ids=["a1", "b2"],
        session=session,
        now=T0 + timedelta(minutes=minutes),
    )


@pytest.mark.anyio
async def test_a_stored_rating_comes_back_with_everything_it_carried(store: RatingStore) -> None:
    stored = rating("p1", 1, session="s1").model_copy(
        update={"photo": b"\xff\xd8jpeg", "mood": PhotoMood(valence=6.5, arousal=2.25), "genres": ["pop"]}
    )
    stored = Rating.model_validate(stored.model_dump())
    assert (await store.put(stored)).outcome == "created"
    assert await store.for_playlist("p1") == [stored]
    assert await store.for_rater("session:s1") == [stored]
    assert await store.get("p1", stored.id) == stored


@pytest.mark.anyio
async def test_a_second_rating_from_the_same_session_replaces_the_first(store: RatingStore) -> None:
    assert (await store.put(rating("p1", 1, session="s1"))).outcome == "created"
    assert (await store.put(rating("p1", -1, session="s1", minutes=1))).outcome == "replaced"
    (only,) = await store.for_playlist("p1")
    assert only.rating == -1


@pytest.mark.anyio
async def test_writes_are_conditional_on_time_and_idempotency_key(store: RatingStore) -> None:
    newer = rating("pc", -1, session="s1", minutes=5).model_copy(update={"idempotency_key": "k1"})
    assert (await store.put(newer)).outcome == "created"
    assert (await store.put(rating("pc", 1, session="s1", minutes=1))).outcome == "unchanged"  # older: a late delivery
    retry = rating("pc", 1, session="s1", minutes=9).model_copy(update={"idempotency_key": "k1"})
    assert (await store.put(retry)).outcome == "unchanged"  # a retry of the stored one
    (only,) = await store.for_playlist("pc")
    assert only.rating == -1


@pytest.mark.anyio
async def test_a_write_names_the_photo_of_the_rating_it_found_stored(store: RatingStore) -> None:
    def with_photo(made: Rating, ref: str | None) -> Rating:
        return made.model_copy(update={"photo_ref": ref})

    first = with_photo(rating("pp", 1, session="s1"), "ratings/first.jpg")
    assert await store.put(first) == PutResult("created")
    assert await store.put(first) == PutResult("unchanged", "ratings/first.jpg")  # re-sent: the stored one's photo
    second = with_photo(rating("pp", -1, session="s1", minutes=1), "ratings/second.jpg")
    assert await store.put(second) == PutResult("replaced", "ratings/first.jpg")
    stale = with_photo(rating("pp", 1, session="s1"), "ratings/stale.jpg")
    assert await store.put(stale) == PutResult("unchanged", "ratings/second.jpg")
    assert await store.put(rating("pp", 1, session="s1", minutes=2)) == PutResult("replaced", "ratings/second.jpg")
    assert await store.put(rating("pp", -1, session="s1", minutes=3)) == PutResult("replaced", None)


@pytest.mark.anyio
async def test_scan_pages_through_everything_and_deletes_are_conditional(store: RatingStore) -> None:
    made = [rating(f"sc{i}", 1, session=f"s{i}", minutes=i) for i in range(7)]
    for one in made:
        await store.put(one)
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page, cursor = await store.scan(limit=3, cursor=cursor)
        seen.extend(r.id for r in page)
        pages += 1
        if cursor is None:
            break
    assert sorted(seen) == sorted(r.id for r in made) and pages >= 3
    assert await store.delete("sc0", made[0].id, created_at=T0 - timedelta(minutes=1)) is False  # changed since
    assert await store.delete("sc0", made[0].id, created_at=made[0].created_at) is True
    assert await store.for_playlist("sc0") == []


@pytest.mark.anyio
async def test_ratings_without_a_session_are_all_kept_oldest_first(store: RatingStore) -> None:
    for minute in (2, 0, 1):
        await store.put(rating("p2", 1 if minute else -1, session=None, minutes=minute))
    ratings = await store.for_playlist("p2")
    assert [r.created_at for r in ratings] == [T0, T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)]


@pytest.mark.anyio
async def test_ratings_of_other_playlists_are_not_returned(store: RatingStore) -> None:
    await store.put(rating("p3", 1, session="s1"))
    await store.put(rating("p4", 1, session="s1"))
    assert [r.playlist_id for r in await store.for_playlist("p3")] == ["p3"]
    assert await store.for_playlist("never-rated") == []


@pytest.mark.anyio
async def test_a_ready_store_answers_ping(store: RatingStore) -> None:
    assert await store.ping() is True


@pytest.mark.anyio
async def test_the_dynamodb_table_is_created_when_missing(dynamodb_service: str) -> None:
    table = f"fresh-{uuid.uuid4().hex[:8]}"
    store = DynamoRatingStore(table=table, region="us-east-1", endpoint_url=dynamodb_service)
    await store.put(rating("p5", 1, session="s9"))
    client = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=dynamodb_service)
    assert client.describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE"
    await store.close()


@pytest.mark.anyio
async def test_an_unreachable_dynamodb_is_reported_as_unavailable_not_a_crash(dynamodb_service: str) -> None:
    from tests.servers.process import free_port

    store = DynamoRatingStore(
        table="nowhere", region="us-east-1", endpoint_url=f"http://127.0.0.1:{free_port()}", timeout_s=2.0
    )
    with pytest.raises(StoreUnavailable) as caught:
        await store.put(rating("p6", 1, session=None))
    assert caught.value.status_code == 503
    assert caught.value.retry_after


def test_the_feedback_service_configured_for_dynamodb_stores_there(dynamodb_service: str, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from services.feedback.app import create_app
    from services.feedback.settings import Settings

    table = f"svc-{uuid.uuid4().hex[:8]}"
    settings = Settings(store="dynamodb", dynamodb_table=table, dynamodb_endpoint_url=dynamodb_service)
    body = {"playlist_id": "p7", "rating": -1, "features": FEATURES.model_dump(), "model_version": "m1"}
    settings.outbox_path = tmp_path / "outbox.sqlite3"
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 200
        assert client.post("/v1/ratings", json=body).status_code == 201
    client_ = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=dynamodb_service)
    (item,) = client_.scan(TableName=table)["Items"]
    assert item["playlist_id"] == {"S": "p7"}
    assert item["rating"] == {"N": "-1"}


@pytest.mark.anyio
async def test_ratings_in_the_first_sqlite_schema_are_carried_over(tmp_path: Path) -> None:
    import json
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE ratings (id TEXT PRIMARY KEY, playlist_id TEXT NOT NULL, session TEXT, rating INTEGER NOT "
            "NULL, features TEXT NOT NULL, model_version TEXT NOT NULL, track_ids TEXT NOT NULL, created_at TEXT)"
        )
        row = ("r1", "p1", "s1", -1, FEATURES.model_dump_json(), "m0", json.dumps(["t"]), T0.isoformat())
        conn.execute("INSERT INTO ratings VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
    store = SqliteRatingStore(path)
    (old,) = await store.for_rater("session:s1")
    assert (old.rating, old.model_version, old.created_at) == (-1, "m0", T0)
    assert (await store.put(rating("p1", 1, session="s1", minutes=1))).outcome == "replaced"
    await store.close()


@pytest.mark.anyio
async def test_an_item_dynamodb_refuses_for_good_is_store_refused_and_the_store_goes_on(dynamodb_service: str) -> None:
    store = DynamoRatingStore(table=f"refuse-{uuid.uuid4().hex[:8]}", region="us-east-1", endpoint_url=dynamodb_service)
    over_400_kb = rating("p-huge", 1, session="s1").model_copy(update={"photo": bytes(450_000)})
    with pytest.raises(StoreRefused) as refused:  # ValidationException: waiting would never make it fit
        await store.put(over_400_kb)
    assert refused.value.status_code == 502 and "size" in str(refused.value).lower()
    assert (await store.put(rating("p-fine", 1, session="s1"))).outcome == "created"
    await store.close()
