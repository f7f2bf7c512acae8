"""Signed in with no genres given, a playlist draws from the Spotify profile's genres with the profile's weights
(issue 19: each genre gets its share of the list by weight), equal when the person chose the genres by hand."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from services.gateway.app import create_app
from services.gateway.sessions import InProcessSessionStore
from services.gateway.settings import Settings
from tests.unit.test_gateway_api import FakeUpstreams, jpeg_bytes


class SignedInFakes(FakeUpstreams):
    """FakeUpstreams whose playlist service has a signed-in Spotify account with a genre profile."""

    def __init__(self) -> None:
        super().__init__()
        self.edited = False

    def playlist(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v1/spotify/me":
            return httpx.Response(200, json={"configured": True, "signed_in": True, "user_id": "demo-user"})
        if path == "/v1/spotify/genres":
            profile = {
                "source": "top_artists",
                "counts": {"indie-pop": 6.0, "hip-hop": 2.0, "jazz": 1.0},
                "genres": ["indie-pop", "hip-hop"],
                "edited": self.edited,
                "fetched_at": "2026-12-01T00:00:00Z",
            }
            return httpx.Response(200, json=profile)
        if path == "/v1/spotify/playlists":
            body = json.loads(request.content)
            chosen = body["candidates"][: body["n"]]
            published = {"id": "sp1", "uri": "spotify:playlist:sp1", "url": "https://x/sp1", "track_ids": chosen}
            return httpx.Response(201, json={**published, "skipped": 0})
        if path.endswith("/cover"):
            return httpx.Response(202)
        return super().playlist(request)


@pytest.fixture
def fakes() -> SignedInFakes:
    return SignedInFakes()


@pytest.fixture
def client(fakes: SignedInFakes) -> Iterator[TestClient]:
    app = create_app(Settings(), sessions=InProcessSessionStore(), transports=fakes.transports())
    with TestClient(app) as test_client:
        yield test_client


def make(client: TestClient) -> None:
    made = client.post("/v1/playlists", files={"image": ("p.jpg", jpeg_bytes(), "image/jpeg")}, data={"n": "4"})
    assert made.status_code == 201, made.text


def test_the_profiles_weights_give_each_of_its_genres_its_share(client: TestClient, fakes: SignedInFakes) -> None:
    make(client)  # the first upload starts the session; the second is signed in
    make(client)
    assert fakes.recommendations[-1]["genres"] == {"indie-pop": 6.0, "hip-hop": 2.0}


def test_genres_chosen_by_hand_get_equal_shares(client: TestClient, fakes: SignedInFakes) -> None:
    fakes.edited = True
    make(client)
    make(client)
    assert fakes.recommendations[-1]["genres"] == {"indie-pop": 1.0, "hip-hop": 1.0}
