"""The internal services' wall: 401 for a request without the deployment's service token (shared/service_token.py
says where the token comes from); /healthz and /readyz stay open for probes and the supervisor."""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Receive, Scope, Send

from shared.service_token import OPEN_PATHS, SERVICE_TOKEN_HEADER
from shared.web.errors import envelope_response


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
