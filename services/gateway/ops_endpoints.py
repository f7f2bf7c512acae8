"""Who may read the gateway's operator endpoints: /metrics, and the API docs (/docs, /redoc, /openapi.json).

On the public port they tell an attacker the routes, the error shapes and the traffic. Each group is open, token-only
(`Authorization: Bearer <GATEWAY_OPS_TOKEN>`) or off (404, as if absent), from the settings: in development both are
open; in production both are off unless GATEWAY_OPS_TOKEN is set, and then need it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from starlette.types import ASGIApp, Receive, Scope, Send

from shared.secret_policy import bearer_matches
from shared.web.errors import envelope_response

Access = Literal["open", "token", "off"]
METRICS_PATHS: Final = frozenset({"/metrics"})
DOCS_PATHS: Final = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"})


@dataclass(frozen=True)
class OpsAccess:
    """Access to each group, and the token that opens a token-only group."""

    metrics: Access
    docs: Access
    token: str | None = None

    def for_path(self, path: str) -> Access | None:
        """The access rule for path, or None for the product's own routes."""
        if path in METRICS_PATHS:
            return self.metrics
        if path in DOCS_PATHS:
            return self.docs
        return None


def _authorization(scope: Scope) -> str | None:
    return next((value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"authorization"), None)


class OpsEndpointGuard:
    """404 for an operator endpoint that is off, 401 for a token-only one without the token."""

    def __init__(self, app: ASGIApp, *, access: OpsAccess) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rule = self.access.for_path(scope["path"]) if scope["type"] == "http" else None
        if rule == "off" or (rule == "token" and self.access.token is None):
            await envelope_response(404, "NotFound", "Not Found")(scope, receive, send)
            return
        if (
            rule == "token"
            and self.access.token is not None
            and not bearer_matches(_authorization(scope), self.access.token)
        ):
            response = envelope_response(401, "Unauthorized", "this endpoint needs the operator's bearer token")
            response.headers["WWW-Authenticate"] = "Bearer"
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
