"""The feedback service's service layer without HTTP: a rating recorded by calling record_rating on the service a
runtime over a fake store opens, with the answer and status the route renders, the outbox taking over while the
store is down, and the outcome counted on the service's metrics (created with the app, not attached later)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prometheus_client import CollectorRegistry

from services.feedback.metrics import FeedbackMetrics
from services.feedback.runtime import FeedbackRuntime
from services.feedback.settings import Settings
from shared.rating import RatingIn
from tests.unit.test_feedback_api import FakeRatingStore, body


def test_a_rating_is_recorded_replayed_and_queued_without_http(tmp_path: Path) -> None:
    store = FakeRatingStore()
    registry = CollectorRegistry()
    settings = Settings(outbox_path=tmp_path / "outbox.sqlite3", photo_store=str(tmp_path / "photos"))
    runtime = FeedbackRuntime(settings, metrics=FeedbackMetrics(registry), store=store)

    async def flow() -> None:
        await runtime.start()
        service = runtime.service
        try:
            rating = RatingIn.model_validate(body(session="s1"))
            first, status = await service.record_rating(rating, idempotency_key="k-1", deadline=None)
            assert status == 201 and first.playlist_id == "p1" and not first.queued
            retry, status = await service.record_rating(rating, idempotency_key="k-1", deadline=None)
            assert status == 200 and retry.id == first.id and retry.created_at == first.created_at
            store.down = True
            queued, status = await service.record_rating(
                RatingIn.model_validate(body(playlist_id="p2", session="s1")),
                idempotency_key=None,
                deadline=None,
            )
            assert status == 202 and queued.queued
            assert [rating.playlist_id for _, rating in await runtime.recorder.outbox.head(10)] == ["p2"]
            store.down = False
            assert [r.id for r in await service.ratings_of(playlist_id="p1", raters=None)] == [first.id]
        finally:
            await runtime.stop()

    asyncio.run(flow())
    counted = {
        sample.labels["outcome"]: sample.value
        for metric in registry.collect()
        if metric.name == "feedback_ratings"
        for sample in metric.samples
        if sample.name == "feedback_ratings_total"
    }
    assert counted == {"created": 1.0, "unchanged": 1.0, "queued": 1.0}
