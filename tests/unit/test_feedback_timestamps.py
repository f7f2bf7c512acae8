"""Stored timestamps are fixed-width, so they compare as strings in every store; schemathesis found a rating rated
in the year 213 answered 500 (strftime's unpadded year did not parse back)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.feedback.app import create_app
from services.feedback.ratings import timestamp
from services.feedback.settings import Settings
from shared.errors import InvalidInput
from tests.unit.test_feedback_api import FakeRatingStore, body


def test_a_year_before_1000_is_zero_padded_and_sorts_before_this_century() -> None:
    early = timestamp(datetime(213, 10, 26, 23, 8, 18, 916160, tzinfo=UTC))
    assert early == "0213-10-26T23:08:18.916160Z"
    assert datetime.fromisoformat(early) == datetime(213, 10, 26, 23, 8, 18, 916160, tzinfo=UTC)
    assert early < timestamp(datetime(2026, 1, 1, tzinfo=UTC))


def test_a_time_that_leaves_the_calendar_in_utc_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        timestamp(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))))


def test_an_early_or_unrepresentable_rated_at_is_stored_or_refused_never_a_500(tmp_path: Path) -> None:
    settings = Settings(outbox_path=tmp_path / "outbox.sqlite3", photo_store=str(tmp_path / "photos"))
    with TestClient(create_app(settings, store=FakeRatingStore())) as client:
        early = client.post("/v1/ratings", json=body(rated_at="0213-10-26T23:08:18.91616Z"))
        edge = client.post("/v1/ratings", json=body(playlist_id="p2", rated_at="0001-01-01T00:00:00+05:00"))
    assert early.status_code == 201, early.text
    assert early.json()["created_at"].startswith("0213-10-26T23:08:18")
    assert edge.status_code == 422 and edge.json()["error"] == "InvalidInput"
