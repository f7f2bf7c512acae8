"""Limits at the socket: a request head over `max_head_bytes` is answered 414 (the request line alone is too long) or
431 (the headers are) instead of a bare 400 and a TCP reset; a body that is not read in time is cut off with 408;
shutdown drains in-flight requests for at most `shutdown_drain_s`.

uvicorn's h11 protocol answers an oversized head with 400 and closes at once, so a client still sending its
megabyte of URL gets a reset before it reads the answer. LimitedH11Protocol answers with the right status in our
envelope, half-closes, and discards what still arrives for LINGER_S before closing (a lingering close).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

LINGER_S = 2.0


class ServerLimits(BaseModel):
    """What serve() passes to uvicorn and the body deadline."""

    max_head_bytes: int = Field(default=64 * 1024, ge=1024, description="request line + headers; over it 414 / 431")
    body_idle_timeout_s: float = Field(default=10.0, gt=0, description="the longest wait for the next body chunk")
    body_total_timeout_s: float = Field(default=60.0, gt=0, description="the longest a whole body may take")
    shutdown_drain_s: float = Field(default=10.0, gt=0, description="in-flight requests get this long after SIGTERM")


class LimitedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol answering an oversized head with 414 / 431 and a lingering close."""

    _discarding = False

    def data_received(self, data: bytes) -> None:
        if self._discarding:
            return
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        pending, _ = self.conn.trailing_data
        limit = self.config.h11_max_incomplete_event_size or 16 * 1024  # h11's default
        if len(pending) < limit:  # an ordinary malformed request
            super().send_400_response(msg)
            return
        if b"\r\n" not in pending:
            status, name, detail = 414, "URITooLong", "the request line (method and URL) is too long"
        else:
            status, name, detail = 431, "HeadersTooLarge", "the request headers are too large"
        body = json.dumps({"error": name, "detail": detail, "request_id": None}).encode()
        headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
        self.transport.write(self.conn.send(h11.Response(status_code=status, headers=headers)))
        self.transport.write(self.conn.send(h11.Data(data=body)))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self._discarding = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_S, self.transport.close)


class BodyReadTimeout(HTTPException):
    """Raised from inside receive(): FastAPI re-raises HTTPExceptions met while parsing a body (as BodyTooLarge in
    shared/web/body_limits.py), so the envelope handler answers 408 RequestTimeout."""

    def __init__(self, detail: str) -> None:
        super().__init__(status_code=408, detail=detail)


class BodyDeadline:
    """ASGI middleware: a request body must keep arriving (a chunk within `idle_s`) and end within `total_s`."""

    def __init__(self, app: ASGIApp, *, idle_s: float, total_s: float) -> None:
        self.app = app
        self.idle_s = idle_s
        self.total_s = total_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.total_s
        body_done = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:  # later receives wait for a disconnect, which may rightly take long
                return await receive()
            wait_s = min(self.idle_s, deadline - loop.time())
            try:
                message: dict[str, Any] = dict(await asyncio.wait_for(receive(), timeout=max(wait_s, 0.001)))
            except TimeoutError as exc:
                raise BodyReadTimeout(
                    f"the request body did not arrive in time (a chunk every {self.idle_s:g} s, "
                    f"all of it within {self.total_s:g} s)"
                ) from exc
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        await self.app(scope, timed_receive, send)
