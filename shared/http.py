"""The client services use to call each other: timeouts everywhere, the request id forwarded, failures mapped.

Mapping: cannot connect -> UpstreamUnavailable (503); timed out -> UpstreamTimeout (504); upstream 5xx ->
UpstreamError (502, or the upstream's 503 with its Retry-After); upstream 4xx in our envelope -> the same status
and error name, so a caller's mistake (an unknown genre, say) reaches the user unchanged; a name listed in
shared.errors.CROSS_SERVICE is raised as that class, so the caller catches it by class. After `breaker_failures`
consecutive connect failures or timeouts the client's circuit breaker (shared/circuit_breaker.py) opens: calls are
refused at once with UpstreamUnavailable (503 + Retry-After) for `breaker_open_s`, then one probe goes through.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, Field, SecretStr

from shared.circuit_breaker import CircuitBreaker
from shared.errors import CROSS_SERVICE, ServiceError, UpstreamError, UpstreamTimeout, UpstreamUnavailable
from shared.logging import REQUEST_ID_HEADER, current_request_id
from shared.secret_policy import secret_value
from shared.service_token import SERVICE_TOKEN_HEADER


class ServiceClientSettings(BaseModel):
    """Where another service lives and how long to wait for it."""

    base_url: str
    connect_timeout_s: float = Field(default=2.0, gt=0)
    timeout_s: float = Field(default=30.0, gt=0)
    breaker_failures: int = Field(default=3, ge=1)
    breaker_open_s: float = Field(default=10.0, gt=0)
    # The deployment's service token (shared/service_token.py), sent on every call; None: none sent.
    token: SecretStr | None = None


class _PassThrough(ServiceError):
    """An upstream's own 4xx envelope, re-raised with its status and name."""

    def __init__(self, status: int, name: str, detail: Any, retry_after: int | None) -> None:
        super().__init__(detail, retry_after=retry_after, name=name)
        self.status_code = status  # type: ignore[misc]  # per-instance status for pass-through


def _token_headers(token: SecretStr | None) -> dict[str, str]:
    value = secret_value(token)
    return {SERVICE_TOKEN_HEADER: value} if value else {}


def _retry_after(response: httpx.Response) -> int | None:
    value = response.headers.get("Retry-After")
    return int(value) if value and value.isdigit() else None


class ServiceClient:
    """Async JSON client for one upstream service."""

    def __init__(
        self, name: str, settings: ServiceClientSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.name = name
        self.timeout_s = settings.timeout_s
        timeout = httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s)
        self._client = httpx.AsyncClient(
            base_url=settings.base_url, timeout=timeout, transport=transport, headers=_token_headers(settings.token)
        )
        self.breaker = CircuitBreaker(failures=settings.breaker_failures, open_s=settings.breaker_open_s)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request (`timeout=` sizes it per route); returns a 2xx response or raises a ServiceError."""
        wait_s = self.breaker.retry_after_s()
        if wait_s is not None:
            raise UpstreamUnavailable(f"{self.name} is down (it failed repeatedly)", retry_after=wait_s)
        headers = dict(kwargs.pop("headers", None) or {})
        request_id = current_request_id()
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        try:
            response = await self._client.request(method, path, headers=headers, **kwargs)
        except httpx.LocalProtocolError as exc:  # our request could not be written (a bad header): the upstream is
            self.breaker.record_abandoned()  # not at fault, so it must not count towards opening its breaker
            raise UpstreamError(f"the request to {self.name} could not be sent: {exc}") from exc
        except httpx.TimeoutException as exc:
            self.breaker.record_failure()
            raise UpstreamTimeout(f"{self.name} did not answer in time") from exc
        except httpx.TransportError as exc:
            self.breaker.record_failure()
            raise UpstreamUnavailable(f"{self.name} is unreachable", retry_after=5) from exc
        except BaseException:  # cancelled by the caller (the gateway cancels a prediction when the genres fail)
            self.breaker.record_abandoned()
            raise
        self.breaker.record_success()
        if response.is_success:
            return response
        raise self._error_from(response)

    async def probe(self, path: str, *, timeout_s: float) -> bool:
        """Whether GET `path` answers 2xx. Asked even while the breaker is open and never counted against it: a
        readiness probe must see the upstream as it is (during a start, probes of a service still loading would
        open the breaker and hide its arrival for breaker_open_s); a success closes the breaker."""
        request_id = current_request_id()
        headers = {REQUEST_ID_HEADER: request_id} if request_id else {}
        try:
            response = await self._client.get(path, timeout=timeout_s, headers=headers)
        except httpx.HTTPError:
            return False
        if response.is_success:
            self.breaker.record_success()
        return response.is_success

    def _error_from(self, response: httpx.Response) -> ServiceError:
        try:
            body = response.json()
        except ValueError:
            body = None
        envelope = isinstance(body, dict) and "error" in body
        if response.status_code < 500 and envelope:
            known = CROSS_SERVICE.get(body["error"])
            if known is not None and known.status_code == response.status_code:
                return known(body.get("detail"), retry_after=_retry_after(response))
            return _PassThrough(response.status_code, body["error"], body.get("detail"), _retry_after(response))
        if response.status_code == 503:
            detail = body.get("detail") if envelope else None
            return UpstreamUnavailable(f"{self.name} is unavailable: {detail}", retry_after=_retry_after(response) or 5)
        if response.status_code == 504:
            return UpstreamTimeout(f"{self.name} timed out")
        return UpstreamError(f"{self.name} failed with HTTP {response.status_code}")
