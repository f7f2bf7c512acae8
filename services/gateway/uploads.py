"""Upload guards for multipart routes: 415 for a non-multipart body, 413 as soon as the byte limit is crossed.

The limit is enforced on the byte stream itself (ASGI receive), so an oversized upload is refused after at most
`max_bytes` have been read, never after spooling the whole thing.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.errors import envelope_response


class UploadTooLarge(HTTPException):
    """Raised from inside receive(): FastAPI re-raises HTTPExceptions from body parsing, so the envelope handler
    answers 413 instead of FastAPI's generic 400 "error parsing the body"."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"the upload is larger than the {limit:,}-byte limit")


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


class MultipartUploadGuard:
    """ASGI middleware guarding POST routes whose paths are in `paths`."""

    def __init__(self, app: ASGIApp, *, paths: frozenset[str], max_bytes: int) -> None:
        self.app = app
        self.paths = paths
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or scope.get("path") not in self.paths:
            await self.app(scope, receive, send)
            return
        content_type = _header(scope, b"content-type").split(";")[0].strip().lower()
        if content_type != "multipart/form-data":
            detail = f"send the photo as multipart/form-data with an `image` field, not {content_type or 'no type'}"
            await envelope_response(415, "UnsupportedMediaType", detail)(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.max_bytes:
            # Refused before reading a byte of the body.
            await envelope_response(413, "PayloadTooLarge", UploadTooLarge(self.max_bytes).detail)(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise UploadTooLarge(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)
