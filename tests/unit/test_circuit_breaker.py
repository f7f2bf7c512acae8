"""Issue 14, finding 3 (unit part): once an upstream is known down, the client refuses at once with 503 +
Retry-After instead of waiting out another timeout; one probe after the open time closes it again."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from shared.circuit_breaker import BreakerState, CircuitBreaker
from shared.errors import UpstreamError, UpstreamTimeout, UpstreamUnavailable
from shared.http import ServiceClient, ServiceClientSettings


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_breaker_opens_after_consecutive_failures_and_lets_one_probe_through_later() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=3, open_s=10, clock=clock)
    for _ in range(2):
        assert breaker.retry_after_s() is None
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    breaker.record_failure()
    # mypy keeps the narrowing of `breaker.state` from the assert above across record_failure().
    assert breaker.state is BreakerState.OPEN  # type: ignore[comparison-overlap]
    clock.now = 2.5
    assert breaker.retry_after_s() == 8
    clock.now = 10.0
    assert breaker.retry_after_s() is None  # the probe
    assert breaker.retry_after_s() == 1  # others wait for it
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.now = 20.0
    assert breaker.retry_after_s() is None
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED


def test_a_success_resets_the_count_of_failures() -> None:
    breaker = CircuitBreaker(failures=2, open_s=10)
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED


def test_the_client_refuses_at_once_with_retry_after_once_the_upstream_is_known_down() -> None:
    calls = 0

    def frozen(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ReadTimeout("frozen", request=request)

    settings = ServiceClientSettings(base_url="http://inference", breaker_failures=3, breaker_open_s=30)
    client = ServiceClient("inference", settings, transport=httpx.MockTransport(frozen))

    async def scenario() -> None:
        for _ in range(3):
            with pytest.raises(UpstreamTimeout):
                await client.request("POST", "/v1/predict")
        with pytest.raises(UpstreamUnavailable) as refused:
            await client.request("POST", "/v1/predict")
        assert refused.value.status_code == 503
        assert refused.value.retry_after is not None and 1 <= refused.value.retry_after <= 30
        await client.aclose()

    asyncio.run(scenario())
    assert calls == 3


def test_a_probe_cancelled_by_its_caller_frees_the_slot_for_the_next_call() -> None:
    # The gateway cancels a prediction when the genres fail; a cancelled probe must not leave the breaker half-open
    # and refusing every later call.
    state = {"down": True}

    async def upstream(request: httpx.Request) -> httpx.Response:
        if state["down"]:
            raise httpx.ConnectError("refused", request=request)
        if request.url.path == "/slow":
            await asyncio.sleep(30)
        return httpx.Response(200, json={})

    settings = ServiceClientSettings(base_url="http://inference", breaker_failures=1, breaker_open_s=0.01)
    client = ServiceClient("inference", settings, transport=httpx.MockTransport(upstream))

    async def scenario() -> None:
        with pytest.raises(UpstreamUnavailable):
            await client.request("POST", "/fast")  # opens the breaker
        await asyncio.sleep(0.02)  # half-open: the next call is the probe
        state["down"] = False
        probe = asyncio.ensure_future(client.request("POST", "/slow"))
        await asyncio.sleep(0.01)
        probe.cancel()
        with pytest.raises(asyncio.CancelledError):
            await probe
        assert (await client.request("POST", "/fast")).status_code == 200  # the next call went through
        assert client.breaker.state is BreakerState.CLOSED
        await client.aclose()

    asyncio.run(scenario())


def test_a_request_we_cannot_write_is_our_error_and_never_opens_the_upstreams_breaker() -> None:
    # A header httpx refuses to send (a NUL in it) says nothing about the upstream's health: three of them must not
    # make every later caller wait out an open breaker.
    def healthy(request: httpx.Request) -> httpx.Response:
        if "\x00" in request.headers.get("content-type", ""):  # what h11 raises writing such a header
            raise httpx.LocalProtocolError("Illegal header value", request=request)
        return httpx.Response(200, json={})

    settings = ServiceClientSettings(base_url="http://inference", breaker_failures=3, breaker_open_s=30)
    client = ServiceClient("inference", settings, transport=httpx.MockTransport(healthy))

    async def scenario() -> None:
        for _ in range(3):
            with pytest.raises(UpstreamError) as refused:
                await client.request("POST", "/v1/predict", headers={"Content-Type": "image/jpeg\x00x"})
            assert refused.value.status_code == 502 and "could not be sent" in str(refused.value)
        assert (await client.request("POST", "/v1/predict")).status_code == 200
        assert client.breaker.state is BreakerState.CLOSED
        await client.aclose()

    asyncio.run(scenario())
