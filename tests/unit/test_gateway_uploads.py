"""The upload limit is enforced on the byte stream: an oversized upload is refused before it is all read."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.types import Message

from services.gateway.app import create_app
from services.gateway.settings import Settings

LIMIT = 1_000_000
CHUNK = 100_000
BOUNDARY = "xyzzy"


async def call_gateway(headers: list[tuple[bytes, bytes]], chunks: int) -> tuple[int, dict[str, Any], int]:
    """POST /v1/playlists straight into the ASGI app; returns (status, body, how many chunks it pulled)."""
    app = create_app(Settings(max_upload_bytes=LIMIT))
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n'
    parts = [(head + "Content-Type: image/jpeg\r\n\r\n").encode()] + [b"\xff" * CHUNK] * chunks
    pulled = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal pulled
        pulled += 1
        body = parts[pulled - 1] if pulled <= len(parts) else b""
        return {"type": "http.request", "body": body, "more_body": pulled < len(parts)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/playlists",
        "raw_path": b"/v1/playlists",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()), *headers],
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 8000),
    }
    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), pulled


@pytest.mark.anyio
async def test_a_streamed_upload_is_cut_off_once_it_crosses_the_limit() -> None:
    status, body, pulled = await call_gateway([], chunks=100)  # 10 MB offered, chunked, no Content-Length
    assert status == 413
    assert body["error"] == "PayloadTooLarge"
    assert body["request_id"]
    assert pulled <= LIMIT // CHUNK + 2  # it stopped just past the limit, not at chunk 101


@pytest.mark.anyio
async def test_a_declared_oversized_upload_is_refused_before_reading_the_body() -> None:
    status, body, pulled = await call_gateway([(b"content-length", str(LIMIT + 1).encode())], chunks=20)
    assert status == 413
    assert body["error"] == "PayloadTooLarge"
    assert pulled == 0


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
