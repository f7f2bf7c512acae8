"""A stalled rating store (a frozen DynamoDB, issue 14 finding 4): the feedback service answers before its caller
gives up, and every answer is honest. A rating the store does not take in time is queued (202) and stored exactly
once later; a rating whose caller's deadline has passed is refused (408) and kept nowhere."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.feedback.app import create_app
from services.feedback.ratings import PutResult, Rating
from services.feedback.settings import Settings
from shared.errors import StoreUnavailable
from shared.rating import DEADLINE_HEADER
from tests.unit.test_feedback_api import FakeRatingStore, body, wait_for


class StallingRatingStore(FakeRatingStore):
    """A FakeRatingStore whose calls hang while `stalled` (a frozen server: no answer), until its own bound gives
    up as the real stores' does (5 s, StoreUnavailable)."""

    def __init__(self) -> None:
        super().__init__()
        self.stalled = False

    async def _wait(self) -> None:
        gives_up = time.monotonic() + 5.0
        while self.stalled:
            if time.monotonic() > gives_up:
                raise StoreUnavailable("the store did not answer in time", retry_after=2)
            await asyncio.sleep(0.01)

    async def put(self, rating: Rating) -> PutResult:
        await self._wait()
        return await super().put(rating)

    async def ping(self) -> bool:
        await self._wait()
        return True


@pytest.fixture
def store() -> StallingRatingStore:
    return StallingRatingStore()


@pytest.fixture
def client(store: StallingRatingStore, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        outbox_path=tmp_path / "outbox.sqlite3",
        outbox_retry_s=0.05,
        photo_store=str(tmp_path / "photos"),
        store_timeout_s=0.5,
    )
    with TestClient(create_app(settings, store=store)) as test_client:
        yield test_client


def test_a_rating_the_stalled_store_does_not_take_in_time_is_queued_then_stored_once(
    client: TestClient, store: StallingRatingStore
) -> None:
    store.stalled = True
    start = time.monotonic()
    answer = client.post("/v1/ratings", json=body(session="s1"), headers={"Idempotency-Key": "k1"})
    took = time.monotonic() - start
    assert answer.status_code == 202 and answer.json()["queued"] is True
    assert took < 1.5, f"answered after {took:.2f} s; the store timeout is 0.5 s"
    store.stalled = False
    wait_for(lambda: client.get("/readyz").json()["outbox"]["backlog"] == 0)
    assert store.writes == [answer.json()["id"]]


def test_the_store_attempt_ends_in_time_for_the_callers_deadline(
    client: TestClient, store: StallingRatingStore
) -> None:
    store.stalled = True
    # 0.7 s left: 0.5 s are kept back for the outbox and the answer, so the store gets 0.2 s, not its 0.5 s.
    headers = {DEADLINE_HEADER: f"{time.time() + 0.7:.3f}"}
    start = time.monotonic()
    answer = client.post("/v1/ratings", json=body(session="s2"), headers=headers)
    assert answer.status_code == 202
    assert time.monotonic() - start < 0.45


def test_a_rating_past_its_callers_deadline_is_refused_and_kept_nowhere(
    client: TestClient, store: StallingRatingStore
) -> None:
    answer = client.post("/v1/ratings", json=body(session="s3"), headers={DEADLINE_HEADER: f"{time.time() - 1:.3f}"})
    assert answer.status_code == 408 and answer.json()["error"] == "DeadlinePassed"
    assert client.get("/readyz").json()["outbox"]["backlog"] == 0
    assert store.ratings == {} and store.writes == []


def test_readiness_answers_within_the_gateways_probe_while_the_store_is_stalled(
    store: StallingRatingStore, tmp_path: Path
) -> None:
    settings = Settings(outbox_path=tmp_path / "o.sqlite3", photo_store=str(tmp_path / "p"), store_timeout_s=5)
    with TestClient(create_app(settings, store=store)) as client:
        store.stalled = True
        start = time.monotonic()
        ready = client.get("/readyz")
        took = time.monotonic() - start
        store.stalled = False
    assert ready.status_code == 200 and ready.json()["store"] is False
    assert took < 1.8, f"/readyz took {took:.2f} s; the gateway's probe gives up after 2 s"
