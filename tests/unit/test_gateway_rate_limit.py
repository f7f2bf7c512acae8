"""Per-client rate limits on the gateway: the in-process token bucket, and 429 + Retry-After through the app."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.gateway.adapters.in_process import InProcessRateLimiter
from services.gateway.app import create_app
from services.gateway.rate_limit import Limit
from services.gateway.settings import Settings
from tests.unit.test_gateway_api import FakeUpstreams, assert_envelope, make_playlist


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def take(limiter: InProcessRateLimiter, key: str, limit: Limit) -> Any:
    return asyncio.run(limiter.take(key, limit))


def test_a_bucket_allows_its_burst_then_refuses_saying_when_a_token_is_back() -> None:
    clock = FakeClock()
    limiter, limit = InProcessRateLimiter(clock=clock), Limit(burst=3, per_minute=6)  # a token every 10 s
    assert all(take(limiter, "uploads:1.2.3.4", limit).allowed for _ in range(3))
    refused = take(limiter, "uploads:1.2.3.4", limit)
    assert not refused.allowed
    assert refused.retry_after_s == pytest.approx(10.0)
    clock.now += 10.0
    assert take(limiter, "uploads:1.2.3.4", limit).allowed
    assert not take(limiter, "uploads:1.2.3.4", limit).allowed


def test_a_bucket_refills_only_up_to_its_burst() -> None:
    clock = FakeClock()
    limiter, limit = InProcessRateLimiter(clock=clock), Limit(burst=2, per_minute=60)
    take(limiter, "k", limit)
    clock.now += 3600.0
    assert [take(limiter, "k", limit).allowed for _ in range(3)] == [True, True, False]


def test_each_client_has_its_own_bucket() -> None:
    limiter, limit = InProcessRateLimiter(clock=FakeClock()), Limit(burst=1, per_minute=1)
    assert take(limiter, "uploads:10.0.0.1", limit).allowed
    assert not take(limiter, "uploads:10.0.0.1", limit).allowed
    assert take(limiter, "uploads:10.0.0.2", limit).allowed


def test_the_oldest_buckets_are_dropped_past_the_cap() -> None:
    limiter, limit = InProcessRateLimiter(clock=FakeClock(), max_buckets=2), Limit(burst=1, per_minute=1)
    for key in ("a", "b", "c"):
        take(limiter, key, limit)
    assert take(limiter, "a", limit).allowed  # forgotten: a full bucket again


def limited_client(fakes: FakeUpstreams, **limits: Any) -> TestClient:
    settings = Settings(max_upload_bytes=200_000, **limits)
    # Server errors come back as 500s: the fakes do not speak the Spotify routes sign-in calls.
    return TestClient(create_app(settings, transports=fakes.transports()), raise_server_exceptions=False)


def upload(client: TestClient) -> Any:
    client.cookies.clear()  # a new visitor each time (the fakes do not speak the signed-in lookups)
    return make_playlist(client)


@pytest.fixture
def client() -> Iterator[TestClient]:
    tight = {"rate_uploads_burst": 2, "rate_ratings_burst": 2, "rate_signin_burst": 1}
    with limited_client(FakeUpstreams(), **tight) as test_client:
        yield test_client


def test_uploads_over_the_limit_are_429_with_retry_after_in_the_envelope(client: TestClient) -> None:
    assert [upload(client).status_code for _ in range(2)] == [201, 201]
    refused = upload(client)
    assert_envelope(refused, 429, "TooManyRequests")
    assert 1 <= int(refused.headers["Retry-After"]) <= 3  # 20 a minute: a token every 3 s
    assert refused.headers["X-Content-Type-Options"] == "nosniff"


def test_other_routes_are_not_limited(client: TestClient) -> None:
    for _ in range(3):
        upload(client)
    assert all(client.get("/v1/genres").status_code == 200 for _ in range(20))


def test_ratings_are_limited_apart_from_uploads(client: TestClient) -> None:
    made = upload(client).json()
    answers = [client.post(f"/v1/playlists/{made['id']}/feedback", json={"rating": 1}).status_code for _ in range(3)]
    assert answers[:2] != [429, 429] and answers[2] == 429
    assert upload(client).status_code == 201  # the upload bucket still had a token


def test_sign_in_is_limited(client: TestClient) -> None:
    client.get("/v1/auth/login", follow_redirects=False)
    assert_envelope(client.get("/v1/auth/callback", follow_redirects=False), 429, "TooManyRequests")


def test_limits_can_be_turned_off() -> None:
    with limited_client(FakeUpstreams(), rate_limit_enabled=False, rate_uploads_burst=1) as client:
        assert [upload(client).status_code for _ in range(3)] == [201, 201, 201]
