"""A rating's photo object (above the inline limit it goes to the photo store) lives exactly as long as a rating
points to it: re-sending a rating (a client's retry, the outbox's re-send after a crash) keeps the stored rating's
photo; changing one's mind deletes the replaced rating's photo, so deleting a rater's ratings leaves no photo
behind, nor does deleting a rating still waiting in the outbox."""

from __future__ import annotations

import asyncio
import base64
import time
from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from services.feedback.app import create_app
from services.feedback.metrics import FeedbackMetrics
from services.feedback.runtime import FeedbackRuntime
from services.feedback.service import rating_from
from services.feedback.settings import Settings
from shared.rating import RatingIn
from tests.unit.test_feedback_api import FakeRatingStore, body, client, settings, store
from tests.unit.test_feedback_deadline import StallingRatingStore

__all__ = ["client", "settings", "store"]  # fixtures
RATED_AT = "2026-12-01T12:00:00Z"


def big_photo(marker: bytes) -> bytes:
    return b"\xff\xd8" + marker + bytes(5000)  # above the tests' inline limit (1000 bytes): goes to the folder


def photo_files(settings: Settings) -> list[Path]:
    return sorted(path for path in Path(settings.photo_store).rglob("*") if path.is_file())


def rated(photo: bytes, **overrides: object) -> dict[str, object]:
    return body(session="s1", photo=base64.b64encode(photo).decode(), **overrides)


def listed_photos(client: TestClient) -> list[bytes]:
    ratings = client.get("/v1/ratings", params={"rater": "session:s1"}).json()["ratings"]
    return [base64.urlsafe_b64decode(r["photo"]) for r in ratings]


def test_re_sending_a_rating_keeps_the_photo_it_stored(client: TestClient, settings: Settings) -> None:
    photo = big_photo(b"like")
    assert client.post("/v1/ratings", json=rated(photo, rated_at=RATED_AT)).status_code == 201
    again = client.post("/v1/ratings", json=rated(photo, rated_at=RATED_AT))
    assert again.status_code == 200  # unchanged: not newer than the stored one
    assert listed_photos(client) == [photo]  # before: the re-send deleted the stored rating's photo, listed as null
    assert len(photo_files(settings)) == 1


def test_a_rating_re_sent_from_the_outbox_keeps_the_photo_it_stored(settings: Settings) -> None:
    store = FakeRatingStore()
    runtime = FeedbackRuntime(settings, metrics=FeedbackMetrics(CollectorRegistry()), store=store)
    photo = big_photo(b"crash")

    async def flow() -> None:
        await runtime.start()
        try:
            rating = rating_from(RatingIn.model_validate(rated(photo, rated_at=RATED_AT)), idempotency_key=None)
            assert await runtime.recorder.record(rating) == "created"
            # The crash between the store taking a queued rating and the outbox removing it: it is sent again.
            await runtime.recorder.outbox.add(rating)
            assert await runtime.recorder.deliver() == 1
            (stored,) = store.ratings.values()
            assert (await runtime.recorder.with_photo(stored)).photo == photo
        finally:
            await runtime.stop()

    asyncio.run(flow())


def test_changing_ones_mind_deletes_the_replaced_ratings_photo(client: TestClient, settings: Settings) -> None:
    liked, disliked = big_photo(b"like"), big_photo(b"dislike")
    assert client.post("/v1/ratings", json=rated(liked, rated_at="2026-12-01T12:00:00Z")).status_code == 201
    changed = client.post("/v1/ratings", json=rated(disliked, rating=-1, rated_at="2026-12-01T12:01:00Z"))
    assert changed.status_code == 200
    assert listed_photos(client) == [disliked]
    assert [path.read_bytes() for path in photo_files(settings)] == [disliked]  # before: the liked photo stayed too
    assert client.delete("/v1/ratings", params={"rater": "session:s1"}).json() == {"deleted": 1}
    assert photo_files(settings) == []  # nothing of the person is left


def test_deleting_a_rating_still_waiting_in_the_outbox_deletes_the_photo_a_cut_off_attempt_wrote(
    settings: Settings,
) -> None:
    store = StallingRatingStore()
    settings.store_timeout_s = 0.5
    with TestClient(create_app(settings, store=store)) as client:
        store.stalled = True  # the store attempt writes the photo, then the store does not answer: queued
        assert client.post("/v1/ratings", json=rated(big_photo(b"stalled"))).status_code == 202
        time.sleep(0.2)  # the delivery task's own attempt is stalled too, its photo written
        assert len(photo_files(settings)) == 1
        assert client.delete("/v1/ratings", params={"rater": "session:s1"}).json() == {"deleted": 1}
        assert photo_files(settings) == []  # before: the photo of the rating deleted from the outbox stayed
