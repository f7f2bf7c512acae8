"""One photo over GATEWAY_MAX_PHOTO_BYTES is 413 before any upstream is asked (issue 25; in an album such a photo is
left out with a warning instead: tests/unit/test_album_photos.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.gateway.adapters.in_process import InProcessSessionStore
from services.gateway.app import create_app
from services.gateway.settings import Settings
from tests.unit.test_gateway_api import FakeUpstreams, jpeg_bytes


def test_one_photo_over_the_photo_limit_is_413_and_asks_no_upstream() -> None:
    fakes = FakeUpstreams()
    app = create_app(
        Settings(max_upload_bytes=200_000, max_photo_bytes=5_000),
        sessions=InProcessSessionStore(),
        transports=fakes.transports(),
    )
    with TestClient(app) as client:
        client.get("/v1/warmup")
        fakes.calls.clear()
        big = jpeg_bytes() + b"\0" * 6_000
        response = client.post("/v1/playlists", files={"image": ("big.jpg", big, "image/jpeg")})
        assert response.status_code == 413 and response.json()["error"] == "PayloadTooLarge"
        assert "5,000-byte limit" in response.json()["detail"]
        assert fakes.calls == []
