"""The middleware that enforces who may read the operator endpoints (the rule: ops_endpoints.py)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from services.gateway.ops_endpoints import OpsAccess
from shared.secret_policy import bearer_matches
from shared.web.errors import envelope_response


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
