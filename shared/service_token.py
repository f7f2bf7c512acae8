"""The service-to-service token: the internal services (inference, playlist, feedback) answer only callers that send it.

One secret, PRESSEDPLAY_SERVICE_TOKEN, shared by every service of a deployment (scripts/run-local.sh makes one per
`make run`; Compose requires it). The gateway's ServiceClient sends it as X-Service-Token; an internal service
refuses a request without it (401 `Unauthorized`), except /healthz and /readyz, which probes and the supervisor call.
Unset, nothing is checked (a developer running one service by hand). It is a second wall behind the loopback /
private-network binding: a process on the host, or a container on the network, can no longer post a forged rating.
"""

from __future__ import annotations

import hmac
from typing import Final

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.errors import envelope_response

SERVICE_TOKEN_HEADER: Final = "X-Service-Token"
OPEN_PATHS: Final = frozenset({"/healthz", "/readyz"})


class ServiceTokenSettings(BaseSettings):
    """PRESSEDPLAY_SERVICE_TOKEN (and an optional .env)."""

    model_config = SettingsConfigDict(env_prefix="PRESSEDPLAY_", env_file=".env", extra="ignore")

    service_token: SecretStr | None = None

    def token(self) -> str | None:
        """The token, or None when unset or empty."""
        return (self.service_token.get_secret_value() if self.service_token else "") or None


def service_token() -> str | None:
    """The deployment's service token from the environment, or None."""
    return ServiceTokenSettings().token()


def service_token_headers() -> dict[str, str]:
    """The header a caller of an internal service sends ({} without a token)."""
    token = service_token()
    return {SERVICE_TOKEN_HEADER: token} if token else {}


class ServiceTokenGuard:
    """401 for a request to an internal service without the service token (health probes stay open)."""

    def __init__(self, app: ASGIApp, *, token: str) -> None:
        self.app = app
        self.token = token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in OPEN_PATHS and not self._carries_token(scope):
            detail = f"internal service: send the deployment's service token in {SERVICE_TOKEN_HEADER}"
            await envelope_response(401, "Unauthorized", detail)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _carries_token(self, scope: Scope) -> bool:
        wanted = SERVICE_TOKEN_HEADER.lower().encode()
        given = next((value for name, value in scope.get("headers", ()) if name == wanted), b"")
        return hmac.compare_digest(given, self.token)
