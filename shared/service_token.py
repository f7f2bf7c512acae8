"""The service-to-service token: the internal services (inference, playlist, feedback) answer only callers that send it.

One secret, PRESSEDPLAY_SERVICE_TOKEN, shared by every service of a deployment (scripts/run-local.sh makes one per
`make run`; Compose requires it). The gateway's ServiceClient sends it as X-Service-Token; an internal service
refuses a request without it (401 `Unauthorized`), except /healthz and /readyz, which probes and the supervisor call.
Unset, nothing is checked (a developer running one service by hand). It is a second wall behind the loopback /
private-network binding: a process on the host, or a container on the network, can no longer post a forged rating.
"""

from __future__ import annotations

from typing import Final

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

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
