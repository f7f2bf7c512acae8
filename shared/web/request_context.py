"""The request id of every request: the caller's X-Request-ID (when it looks like an id) or a new one, bound to the
logging context (shared/logging.py), echoed in the answer, and a `request.completed` log line per request."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logging import REQUEST_ID_HEADER, is_valid_request_id, new_request_id, reset_request_id, set_request_id


class RequestContextMiddleware:
    """Bind X-Request-ID (the caller's or a new one) for the request, echo it, and log `request.completed`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = logging.getLogger("pressedplay.http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
        request_id = incoming if is_valid_request_id(incoming) else new_request_id()
        token = set_request_id(request_id)
        # Also on the scope: the last-resort 500 handler runs outside this middleware, after the context is reset.
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"].append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            self.log.info(
                "request.completed",
                extra={
                    "method": scope.get("method"),
                    "route": getattr(route, "path", scope.get("path")),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            reset_request_id(token)
