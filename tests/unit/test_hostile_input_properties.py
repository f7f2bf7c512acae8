"""Property tests (hypothesis) over the upload and JSON routes: whatever arrives, the answer is a 2xx or a 4xx in
the error envelope, never a 5xx or a traceback. Fast (fakes of the upstreams, a small catalog), part of `make test`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.feedback.app import create_app as create_feedback
from services.feedback.settings import Settings as FeedbackSettings
from services.gateway.app import create_app as create_gateway
from services.gateway.settings import Settings as GatewaySettings
from services.playlist.app import create_app as create_playlist
from tests.unit.test_feedback_api import FEATURES, FakeRatingStore
from tests.unit.test_gateway_api import FakeUpstreams, jpeg_bytes
from tests.unit.test_playlist_api import mapper, small_catalog, wait_ready
from tests.unit.test_playlist_api import settings as playlist_settings

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=20,
)
TEXT = st.text(max_size=120)
# Python's json accepts what JSON does not (Infinity, NaN), and deep nesting can exhaust recursion.
ODD_JSON = [
    b'{"rating": Infinity}',
    b'{"rating": NaN}',
    b"[" * 5000,
    b'{"rating": 1e999}',
    b'{"rating": 1, "rating": -1}',
]


def assert_handled(response: Any, allowed: set[int]) -> None:
    """A documented status, and an error in the envelope (never a 5xx)."""
    assert response.status_code < 500, response.text
    assert response.status_code in allowed, (response.status_code, response.text)
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error", "detail", "request_id"}, body
        assert "Traceback" not in response.text


@pytest.fixture(scope="module")
def gateway() -> Iterator[TestClient]:
    app = create_gateway(
        GatewaySettings(max_upload_bytes=200_000, rate_limit_enabled=False), transports=FakeUpstreams().transports()
    )
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def made(gateway: TestClient) -> str:
    gateway.cookies.clear()
    answer = gateway.post("/v1/playlists", files={"image": ("p.jpg", jpeg_bytes(), "image/jpeg")})
    assert answer.status_code == 201
    playlist_id: str = answer.json()["id"]
    return playlist_id


@FAST
@given(
    image=st.binary(max_size=2048) | st.just(jpeg_bytes()),
    filename=TEXT,
    content_type=st.sampled_from(["image/jpeg", "image/png", "text/plain", "application/octet-stream", ""]),
    form=st.dictionaries(st.sampled_from(["genres", "n", "mode", "diversity", "seed", "extra"]), TEXT, max_size=4),
)
def test_any_upload_is_answered_without_a_server_error(
    gateway: TestClient, image: bytes, filename: str, content_type: str, form: dict[str, str]
) -> None:
    gateway.cookies.clear()  # a new visitor: the fakes do not speak the signed-in lookups
    files = {"image": (filename or "x", image, content_type or None)}
    assert_handled(gateway.post("/v1/playlists", files=files, data=form), {201, 413, 415, 422})


@FAST
@given(body=JSON)
def test_any_json_rating_is_answered_without_a_server_error(gateway: TestClient, made: str, body: Any) -> None:
    answer = gateway.post(f"/v1/playlists/{made}/feedback", json=body)
    assert_handled(answer, {200, 201, 202, 400, 404, 415, 422})


@FAST
@given(
    raw=st.binary(max_size=300) | st.sampled_from(ODD_JSON),
    content_type=st.sampled_from(["application/json", "text/plain", ""]),
)
def test_any_raw_body_on_a_json_route_is_answered_without_a_server_error(
    gateway: TestClient, made: str, raw: bytes, content_type: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    answer = gateway.post(f"/v1/playlists/{made}/feedback", content=raw, headers=headers)
    assert_handled(answer, {200, 201, 202, 400, 404, 415, 422})


@pytest.fixture(scope="module")
def playlist() -> Iterator[TestClient]:
    app = create_playlist(playlist_settings(max_body_bytes=4096), catalog=small_catalog(), mapper=mapper())
    with TestClient(app) as client:
        wait_ready(client)
        yield client


@FAST
@given(path=st.sampled_from(["/v1/recommendations", "/v1/genres/resolve", "/v1/genres/map"]), body=JSON)
def test_the_playlist_services_json_routes_answer_any_json_without_a_server_error(
    playlist: TestClient, path: str, body: Any
) -> None:
    assert_handled(playlist.post(path, json=body), {200, 400, 413, 415, 422})


@FAST
@given(genres=st.lists(TEXT, max_size=4), features=st.fixed_dictionaries({}, optional={"energy": JSON}))
def test_any_genre_names_are_resolved_or_refused_as_unknown(
    playlist: TestClient, genres: list[str], features: dict[str, Any]
) -> None:
    answer = playlist.post("/v1/recommendations", json={"features": {**FEATURES, **features}, "genres": genres})
    assert_handled(answer, {200, 422})


@pytest.fixture(scope="module")
def feedback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root: Path = tmp_path_factory.mktemp("feedback")
    config = FeedbackSettings(outbox_path=root / "outbox.sqlite3", photo_store=str(root / "photos"))
    with TestClient(create_feedback(config, store=FakeRatingStore())) as client:
        yield client


@FAST
@given(body=JSON, extra=st.dictionaries(st.sampled_from(["rating", "playlist_id", "session", "features"]), JSON))
def test_the_feedback_service_answers_any_rating_body_without_a_server_error(
    feedback: TestClient, body: Any, extra: dict[str, Any]
) -> None:
    sent = {**body, **extra} if isinstance(body, dict) else body
    assert_handled(feedback.post("/v1/ratings", json=sent), {200, 201, 202, 400, 413, 415, 422})
