"""Warm-up (services/gateway/warmup.py): while the model loads, /v1/warmup says what the gateway waits for, an upload
waits for readiness (bounded) instead of failing, and past the bound it gets a 503 that names what is still
starting. Once ready, a later outage is not waited for."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from services.gateway.adapters.in_process import InProcessSessionStore
from services.gateway.app import create_app
from services.gateway.settings import Settings
from tests.unit.test_gateway_api import FakeUpstreams, assert_envelope, make_playlist


class LoadingInference(FakeUpstreams):
    """The fakes, with an inference service whose /readyz says 503 (model loading) until `ready_at`."""

    def __init__(self, loading_s: float) -> None:
        super().__init__()
        self.ready_at = time.monotonic() + loading_s

    def inference(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/readyz" and time.monotonic() < self.ready_at:
            return httpx.Response(503, json={"status": "not_ready", "checks": {"model": False}})
        return super().inference(request)


def gateway(fakes: FakeUpstreams, *, wait_s: float) -> Iterator[TestClient]:
    settings = Settings(max_upload_bytes=200_000, warmup_wait_s=wait_s)
    app = create_app(settings, sessions=InProcessSessionStore(), transports=fakes.transports())
    with TestClient(app) as client:
        yield client


@pytest.fixture
def loading() -> LoadingInference:
    return LoadingInference(loading_s=1.0)


@pytest.fixture
def client(loading: LoadingInference) -> Iterator[TestClient]:
    yield from gateway(loading, wait_s=10.0)


def test_while_the_model_loads_the_gateway_says_what_it_waits_for_then_ready(
    client: TestClient, loading: LoadingInference
) -> None:
    assert client.get("/v1/warmup").json() == {"ready": False, "waiting_for": ["inference"]}
    time.sleep(max(loading.ready_at - time.monotonic(), 0) + 0.05)
    assert client.get("/v1/warmup").json() == {"ready": True, "waiting_for": []}


def test_an_upload_sent_during_warm_up_waits_for_readiness_and_succeeds(
    client: TestClient, loading: LoadingInference
) -> None:
    sent = time.monotonic()
    made = make_playlist(client, n="2")
    assert made.status_code == 201, made.text
    assert time.monotonic() >= loading.ready_at and time.monotonic() - sent < 5.0
    assert [call for call in loading.calls if call == "inference"].count("inference") >= 2  # probes, then predict


def test_past_the_bound_an_upload_gets_a_503_naming_what_is_still_starting(loading: LoadingInference) -> None:
    loading.ready_at = time.monotonic() + 60
    for client in gateway(loading, wait_s=0.5):
        sent = time.monotonic()
        body = assert_envelope(make_playlist(client), 503, "NotReady")
        assert "warming up" in body["detail"] and "inference" in body["detail"]
        assert time.monotonic() - sent < 3.0


def test_once_ready_an_outage_is_the_breakers_business_not_a_wait(loading: LoadingInference) -> None:
    loading.ready_at = 0.0
    for client in gateway(loading, wait_s=10.0):
        assert make_playlist(client, n="1").status_code == 201
        loading.fail["inference"] = httpx.ConnectError("refused")
        client.cookies.clear()  # a new visitor (the fakes do not play the Spotify account a session asks about)
        sent = time.monotonic()
        assert_envelope(make_playlist(client), 503, "UpstreamUnavailable")
        assert time.monotonic() - sent < 2.0


def test_readiness_seen_by_a_probe_of_readyz_ends_the_warm_up_too(loading: LoadingInference) -> None:
    loading.ready_at = 0.0
    for client in gateway(loading, wait_s=10.0):
        assert client.get("/readyz").status_code == 200
        loading.fail["inference"] = httpx.ConnectError("refused")  # down again after the start: not a warm-up
        assert client.get("/v1/warmup").json() == {"ready": True, "waiting_for": []}
