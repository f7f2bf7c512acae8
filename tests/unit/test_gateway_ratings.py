"""The gateway's side of the feedback loop, over httpx.MockTransport fakes: a rating carries what the playlist was
made from (photo re-encoded, mood, genre look, genres, mode), the client's Idempotency-Key reaches the feedback
service, a queued rating is a 202, and /v1/me/ratings lists and deletes this browser's ratings."""

from __future__ import annotations

import base64
import io
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from services.gateway.app import create_app
from services.gateway.photos import reencode_photo
from services.gateway.sessions import InProcessSessionStore
from services.gateway.settings import Settings
from tests.unit.test_gateway_api import FakeUpstreams, jpeg_bytes


class RatingFakes(FakeUpstreams):
    """FakeUpstreams whose feedback service also answers queued ratings and the rater routes."""

    def __init__(self) -> None:
        super().__init__()
        self.queue = False
        self.headers: list[dict[str, str]] = []
        self.rater_calls: list[tuple[str, list[str]]] = []

    def playlist(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/spotify/me":
            return httpx.Response(200, json={"configured": True, "signed_in": True, "user_id": "demo-user"})
        return super().playlist(request)

    def feedback(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/ratings" and request.method in {"GET", "DELETE"}:
            self.calls.append("feedback")
            raters = request.url.params.get_list("rater")
            self.rater_calls.append((request.method, raters))
            if request.method == "DELETE":
                return httpx.Response(200, json={"deleted": 1})
            return httpx.Response(200, json={"ratings": []})
        self.headers.append(dict(request.headers))
        answer = super().feedback(request)
        if self.queue and answer.status_code < 300:
            return httpx.Response(202, json={**json.loads(answer.content), "queued": True})
        return answer


@pytest.fixture
def fakes() -> RatingFakes:
    return RatingFakes()


@pytest.fixture
def client(fakes: RatingFakes) -> Iterator[TestClient]:
    app = create_app(Settings(), sessions=InProcessSessionStore(), transports=fakes.transports())
    with TestClient(app) as test_client:
        yield test_client


def make(client: TestClient) -> dict[str, Any]:
    made = client.post("/v1/playlists", files={"image": ("p.jpg", jpeg_bytes(), "image/jpeg")}, data={"n": "3"})
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def test_a_rating_carries_the_playlists_reading_and_photo_and_the_idempotency_key(
    client: TestClient, fakes: RatingFakes
) -> None:
    made = make(client)
    assert "photo" not in made and "spotify_user" not in made
    answer = client.post(f"/v1/playlists/{made['id']}/feedback", json={"rating": 1}, headers={"Idempotency-Key": "k1"})
    assert answer.status_code == 201
    (sent,) = fakes.ratings.values()
    assert sent["mood"] == {"valence": 7.2, "arousal": 3.1} and sent["genre_look"] == {"Pop": 0.7, "Rock": 0.3}
    assert sent["mode"] == "match" and sent["model_version"] == "fake-1" and sent["rated_at"]
    photo = base64.urlsafe_b64decode(sent["photo"])
    assert Image.open(io.BytesIO(photo)).format == "JPEG"
    assert fakes.headers[-1]["idempotency-key"] == "k1"
    bad = client.post(f"/v1/playlists/{made['id']}/feedback", json={"rating": 1}, headers={"Idempotency-Key": "a b"})
    assert bad.status_code == 422


def test_a_rating_queued_by_the_feedback_service_is_202(client: TestClient, fakes: RatingFakes) -> None:
    made = make(client)
    fakes.queue = True
    answer = client.post(f"/v1/playlists/{made['id']}/feedback", json={"rating": -1})
    assert answer.status_code == 202 and answer.json()["queued"] is True


def test_my_ratings_are_this_browsers_and_my_spotify_accounts(client: TestClient, fakes: RatingFakes) -> None:
    assert client.get("/v1/me/ratings").json() == {"ratings": []}
    assert fakes.rater_calls == []  # no session: nothing to ask for
    make(client)
    client.get("/v1/me/ratings")
    assert client.delete("/v1/me/ratings").json() == {"deleted": 1}
    (get, delete) = fakes.rater_calls
    assert get[0] == "GET" and delete[0] == "DELETE" and get[1] == delete[1]
    assert len(get[1]) == 2 and get[1][0].startswith("session:") and get[1][1] == "spotify:demo-user"


def test_photos_are_reencoded_to_at_most_the_limit() -> None:
    noisy = Image.effect_noise((1600, 1200), 100).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, format="PNG")
    small = reencode_photo(buffer.getvalue(), max_bytes=60_000)
    assert small is not None and len(small) <= 60_000 and small[:2] == b"\xff\xd8"
    assert reencode_photo(b"not an image") is None


def test_a_rating_carries_a_deadline_before_the_gateway_stops_waiting(client: TestClient, fakes: RatingFakes) -> None:
    made = make(client)
    sent_at = time.time()
    assert client.post(f"/v1/playlists/{made['id']}/feedback", json={"rating": 1}).status_code == 201
    # The feedback timeout is 5 s: the feedback service must keep nothing after the gateway has given up on it.
    assert sent_at + 3.0 < float(fakes.headers[-1]["x-request-deadline"]) < sent_at + 5.0


def test_a_rating_the_feedback_service_refused_as_too_late_is_a_504_for_the_person(
    client: TestClient, fakes: RatingFakes
) -> None:
    made = make(client)
    late = {"error": "DeadlinePassed", "detail": "nothing was kept", "request_id": "x"}
    fakes.fail["feedback"] = httpx.Response(408, json=late)
    answer = client.post(f"/v1/playlists/{made['id']}/feedback", json={"rating": 1})
    assert answer.status_code == 504 and answer.json()["error"] == "UpstreamTimeout"
    assert "nothing was kept" in answer.json()["detail"]
