"""The service-to-service token: internal services refuse callers without it; the gateway's client sends it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.feedback.app import create_app as create_feedback
from services.feedback.settings import Settings as FeedbackSettings
from services.gateway.app import create_app as create_gateway
from services.gateway.settings import Settings as GatewaySettings
from shared.http import ServiceClient, ServiceClientSettings
from shared.service_token import SERVICE_TOKEN_HEADER
from tests.unit.test_feedback_api import FakeRatingStore, body

TOKEN = "a-service-token-for-tests"


@pytest.fixture
def with_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSEDPLAY_SERVICE_TOKEN", TOKEN)


@pytest.fixture
def store() -> FakeRatingStore:
    return FakeRatingStore()


@pytest.fixture
def feedback(with_token: None, tmp_path: Path, store: FakeRatingStore) -> Iterator[TestClient]:
    settings = FeedbackSettings(outbox_path=tmp_path / "outbox.sqlite3", photo_store=str(tmp_path / "photos"))
    with TestClient(create_feedback(settings, store=store)) as client:
        yield client


def test_a_forged_rating_posted_straight_to_the_feedback_service_is_refused_and_not_stored(
    feedback: TestClient, store: FakeRatingStore
) -> None:
    refused = feedback.post("/v1/ratings", json=body())
    assert refused.status_code == 401
    assert refused.json()["error"] == "Unauthorized"
    wrong = feedback.post("/v1/ratings", json=body(), headers={SERVICE_TOKEN_HEADER: "guess"})
    assert wrong.status_code == 401
    assert store.ratings == {}
    assert feedback.post("/v1/ratings", json=body(), headers={SERVICE_TOKEN_HEADER: TOKEN}).status_code == 201
    assert len(store.ratings) == 1


def test_health_probes_stay_open_without_the_token(feedback: TestClient) -> None:
    assert feedback.get("/healthz").status_code == 200
    assert feedback.get("/readyz").status_code in (200, 503)
    assert feedback.get("/metrics").status_code == 401


def test_without_a_token_set_nothing_is_checked(tmp_path: Path, store: FakeRatingStore) -> None:
    settings = FeedbackSettings(outbox_path=tmp_path / "outbox.sqlite3", photo_store=str(tmp_path / "photos"))
    with TestClient(create_feedback(settings, store=store)) as client:
        assert client.post("/v1/ratings", json=body()).status_code == 201


def test_the_public_gateway_does_not_ask_for_it(with_token: None) -> None:
    with TestClient(create_gateway(GatewaySettings())) as client:
        assert client.get("/v1/genres").status_code == 200


def test_the_gateway_hands_its_settings_token_to_every_upstream_client(with_token: None) -> None:
    settings = GatewaySettings()
    for name in ("inference", "playlist", "feedback"):
        token = settings.upstream(name).token
        assert token is not None and token.get_secret_value() == TOKEN


def test_the_service_client_sends_it() -> None:
    seen: list[str | None] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get(SERVICE_TOKEN_HEADER))
        return httpx.Response(200, json={})

    async def call() -> None:
        settings = ServiceClientSettings(base_url="http://feedback", token=SecretStr(TOKEN))
        client = ServiceClient("feedback", settings, httpx.MockTransport(answer))
        await client.request("GET", "/readyz")
        await client.aclose()

    asyncio.run(call())
    assert seen == [TOKEN]
