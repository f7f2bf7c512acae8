"""Signed in, no genres asked, no profile cached and Spotify down: the upload still gives a playlist, drawn from every
genre, with a warning that says why, and the "not saved to Spotify" warning when publishing fails too."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from services.gateway.app import create_app
from services.gateway.sessions import InProcessSessionStore
from services.gateway.settings import Settings
from tests.unit.test_gateway_api import FakeUpstreams, jpeg_bytes

DOWN = {"error": "SpotifyUnavailable", "detail": "Spotify is not answering.", "request_id": "x"}


class SignedInSpotifyDown(FakeUpstreams):
    """The playlist service with a signed-in account whose every Spotify call fails with `status`."""

    def __init__(self, status: int) -> None:
        super().__init__()
        self.status = status
        self.spotify_calls: list[str] = []

    def playlist(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/spotify/me":
            return httpx.Response(200, json={"configured": True, "signed_in": True, "user_id": "demo"})
        if path.startswith("/v1/spotify/"):
            self.spotify_calls.append(f"{request.method} {path}")
            return httpx.Response(self.status, json=DOWN)
        return super().playlist(request)


@pytest.fixture(params=[503, 504])
def fakes(request: pytest.FixtureRequest) -> SignedInSpotifyDown:
    return SignedInSpotifyDown(request.param)


@pytest.fixture
def client(fakes: SignedInSpotifyDown) -> Iterator[TestClient]:
    app = create_app(Settings(), sessions=InProcessSessionStore(), transports=fakes.transports())
    with TestClient(app) as test_client:
        yield test_client


def test_a_signed_in_upload_without_genres_while_spotify_is_down_still_gives_a_playlist(
    client: TestClient, fakes: SignedInSpotifyDown
) -> None:
    bearer = {"Authorization": f"Bearer {client.post('/v1/sessions').json()['token']}"}
    made = client.post("/v1/playlists", files={"image": ("p.jpg", jpeg_bytes(), "image/jpeg")}, headers=bearer)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["tracks"] and body["genres"] == []  # every genre: what a guest gets without genres
    assert fakes.recommendations[-1]["genres"] is None
    assert any(w.startswith("Your genres could not be read from Spotify") for w in body["warnings"])
    assert any(w.startswith("Not saved to Spotify") for w in body["warnings"]) and body["spotify_pending"] is True
    assert fakes.spotify_calls[:2] == ["GET /v1/spotify/genres", "POST /v1/spotify/playlists"]


def test_keeping_a_playlist_whose_save_failed_says_save_it_again_not_sign_in(client: TestClient) -> None:
    bearer = {"Authorization": f"Bearer {client.post('/v1/sessions').json()['token']}"}
    made = client.post("/v1/playlists", files={"image": ("p.jpg", jpeg_bytes(), "image/jpeg")}, headers=bearer).json()
    kept = client.post(f"/v1/playlists/{made['id']}/save", headers=bearer)
    assert (kept.status_code, kept.json()["error"]) == (409, "NotOnSpotifyYet")  # signed in: a sign-in would not help
    assert f"/v1/playlists/{made['id']}/spotify" in kept.json()["detail"]


def test_a_refused_profile_is_still_an_error_not_a_silent_default(fakes: SignedInSpotifyDown) -> None:
    fakes.status = 403  # Development Mode refusing the account: the person must act, so it is passed on
    app = create_app(Settings(), sessions=InProcessSessionStore(), transports=fakes.transports())
    with TestClient(app) as client:
        bearer = {"Authorization": f"Bearer {client.post('/v1/sessions').json()['token']}"}
        made = client.post("/v1/playlists", files={"image": ("p.jpg", jpeg_bytes(), "image/jpeg")}, headers=bearer)
    assert made.status_code == 403, made.text
