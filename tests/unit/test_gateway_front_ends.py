"""Front ends that are not the gateway's own page: a web app on a listed origin (CORS with the session cookie), an
unlisted origin (refused), and a native app holding a bearer session (issued and revoked through the API)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from services.gateway.app import create_app
from services.gateway.sessions import InProcessSessionStore
from services.gateway.settings import Settings
from tests.unit.test_gateway_api import FakeUpstreams, jpeg_bytes

LISTED = "http://127.0.0.1:5173"


class FakeClock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


UNLISTED = "https://evil.example"


class SpotifyAwareUpstreams(FakeUpstreams):
    """The fakes, with the playlist service's Spotify side answering "nobody signed in"."""

    def __init__(self) -> None:
        super().__init__()
        self.signed_out: list[str] = []

    def playlist(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/spotify/me":
            return httpx.Response(200, json={"configured": True, "signed_in": False})
        if request.url.path == "/v1/spotify/sign-out":
            self.signed_out.append(request.headers["X-Account-Key"])
            return httpx.Response(204)
        return super().playlist(request)


@pytest.fixture
def fakes() -> SpotifyAwareUpstreams:
    return SpotifyAwareUpstreams()


def gateway(fakes: FakeUpstreams, **settings: Any) -> TestClient:
    app = create_app(Settings(**settings), sessions=InProcessSessionStore(), transports=fakes.transports())
    return TestClient(app)


@pytest.fixture
def client(fakes: SpotifyAwareUpstreams) -> Iterator[TestClient]:
    with gateway(fakes, cors_origins=LISTED) as test_client:
        yield test_client


def upload(client: TestClient, **headers: str) -> Any:
    files = {"image": ("photo.jpg", jpeg_bytes(), "image/jpeg")}
    return client.post("/v1/playlists", files=files, data={"n": "3"}, headers=headers)


def test_a_page_on_a_listed_origin_makes_a_playlist_and_rates_it_with_credentials(client: TestClient) -> None:
    preflight = client.options(
        "/v1/playlists/abc/feedback",
        headers={
            "Origin": LISTED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == LISTED
    assert preflight.headers["access-control-allow-credentials"] == "true"
    made = upload(client, Origin=LISTED)
    assert made.status_code == 201, made.text
    assert made.headers["access-control-allow-origin"] == LISTED
    assert made.headers["access-control-allow-credentials"] == "true"
    assert "Retry-After" in made.headers["access-control-expose-headers"]
    rated = client.post(f"/v1/playlists/{made.json()['id']}/feedback", json={"rating": 1}, headers={"Origin": LISTED})
    assert rated.status_code == 201, rated.text  # the session cookie came along
    assert rated.headers["access-control-allow-origin"] == LISTED


def test_an_unlisted_origin_gets_no_cors_headers_and_its_preflight_is_refused(client: TestClient) -> None:
    preflight = client.options("/v1/playlists", headers={"Origin": UNLISTED, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    made = upload(client, Origin=UNLISTED)  # the browser would not let its page read this answer
    assert "access-control-allow-origin" not in made.headers


def test_no_origin_is_allowed_by_default(fakes: SpotifyAwareUpstreams) -> None:
    with gateway(fakes) as default:
        preflight = default.options("/v1/genres", headers={"Origin": LISTED, "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 400 and "access-control-allow-origin" not in preflight.headers


@pytest.mark.parametrize("origin", ["*", "app.example.com", "https://app.example.com/path", "ftp://x.example"])
def test_a_malformed_cors_origin_is_a_settings_error(origin: str) -> None:
    with pytest.raises(ValidationError, match="GATEWAY_CORS_ORIGINS"):
        Settings(cors_origins=origin)  # type: ignore[arg-type]  # a string, as the environment gives it


def test_a_native_app_makes_a_playlist_and_rates_it_with_a_bearer_session(client: TestClient) -> None:
    issued = client.post("/v1/sessions")
    assert issued.status_code == 201
    token = issued.json()["token"]
    assert issued.json()["token_type"] == "Bearer" and "set-cookie" not in issued.headers
    native = TestClient(client.app)  # no cookie jar shared with the issuing call
    bearer = {"Authorization": f"Bearer {token}"}
    made = upload(native, **bearer)
    assert made.status_code == 201, made.text
    assert "set-cookie" not in made.headers  # a bearer session is never planted in a cookie jar
    playlist_id = made.json()["id"]
    assert native.get(f"/v1/playlists/{playlist_id}", headers=bearer).status_code == 200
    assert native.post(f"/v1/playlists/{playlist_id}/feedback", json={"rating": -1}, headers=bearer).status_code == 201
    other = {"Authorization": f"Bearer {client.post('/v1/sessions').json()['token']}"}
    assert native.get(f"/v1/playlists/{playlist_id}", headers=other).status_code == 404  # another session's


def test_a_revoked_bearer_session_is_refused_and_signed_out_of_spotify(
    client: TestClient, fakes: SpotifyAwareUpstreams
) -> None:
    bearer = {"Authorization": f"Bearer {client.post('/v1/sessions').json()['token']}"}
    native = TestClient(client.app)
    playlist_id = upload(native, **bearer).json()["id"]
    assert native.delete("/v1/sessions/current", headers=bearer).status_code == 204
    assert len(fakes.signed_out) == 1
    for answer in (
        native.get(f"/v1/playlists/{playlist_id}", headers=bearer),
        native.delete("/v1/sessions/current", headers=bearer),
        upload(native, **bearer),  # not a new session handed out as a cookie the app would never read
    ):
        assert (answer.status_code, answer.json()["error"]) == (401, "SessionNotFound")
        assert answer.headers["WWW-Authenticate"] == "Bearer" and "set-cookie" not in answer.headers


def test_a_bearer_token_the_gateway_never_issued_is_refused(client: TestClient) -> None:
    # The token's shape is right; only the gateway's own record makes it a session, so nobody can pick one.
    made_up = {"Authorization": "Bearer " + "A" * 43}
    answer = upload(TestClient(client.app), **made_up)
    assert (answer.status_code, answer.json()["error"]) == (401, "SessionNotFound")


def test_a_made_up_cookie_is_a_guest_who_gets_a_new_session(client: TestClient) -> None:
    browser = TestClient(client.app)
    made = upload(browser, Cookie="pp_session=" + "B" * 43)
    assert made.status_code == 201
    issued = made.cookies["pp_session"]
    assert issued != "B" * 43
    assert (
        browser.get(f"/v1/playlists/{made.json()['id']}", headers={"Cookie": f"pp_session={issued}"}).status_code == 200
    )


def test_a_session_unused_for_its_lifetime_is_gone_and_each_use_renews_it(fakes: SpotifyAwareUpstreams) -> None:
    clock = FakeClock()
    store = InProcessSessionStore(clock=clock)
    app = create_app(Settings(session_ttl_s=100), sessions=store, transports=fakes.transports())
    with TestClient(app) as native:
        bearer = {"Authorization": f"Bearer {native.post('/v1/sessions').json()['token']}"}
        mine = f"/v1/playlists/{upload(native, **bearer).json()['id']}"
        for _ in range(3):  # used every 60 s: alive after 180 s, past its 100 s lifetime from issue
            clock.now += 60
            assert native.get(mine, headers=bearer).status_code == 200
        clock.now += 101
        assert native.get(mine, headers=bearer).status_code == 401


@pytest.mark.parametrize("header", ["Bearer short", "Basic abc", "Bearer " + "x" * 100, ""])
def test_a_malformed_bearer_is_no_session(client: TestClient, header: str) -> None:
    answer = client.delete("/v1/sessions/current", headers={"Authorization": header} if header else {})
    assert (answer.status_code, answer.json()["error"]) == (401, "SessionNotFound")


def test_a_form_posted_from_another_site_cannot_replace_the_persons_session(
    client: TestClient, fakes: SpotifyAwareUpstreams
) -> None:
    # A page elsewhere posts a photo with no script (no preflight); the browser marks it cross-site.
    cross_site = {"Sec-Fetch-Site": "cross-site", "Origin": UNLISTED}
    answer = upload(TestClient(client.app), **cross_site)
    assert (answer.status_code, answer.json()["error"]) == (403, "CrossSiteRequest")
    assert "set-cookie" not in answer.headers and fakes.calls == []
    rated = client.delete("/v1/sessions/current", headers=cross_site)
    assert rated.status_code == 403
    assert client.get("/v1/genres", headers=cross_site).status_code == 200  # reading is not changing


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": LISTED},  # a listed front end
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},  # the gateway's own page
        {"Sec-Fetch-Site": "same-site"},  # another port or subdomain of this site
        {},  # a native app, curl, a service
    ],
)
def test_posts_from_listed_origins_this_site_and_non_browsers_pass(client: TestClient, headers: dict[str, str]) -> None:
    assert upload(TestClient(client.app), **headers).status_code == 201
