"""End to end with Spotify: the four services, redis-server and the fake Spotify dev server, all real processes.

Sign in through the gateway, see, edit and shuffle the genres, make playlists that land on the fake account with
the photo as cover and the tracks in order, save one, see only unsaved ones replaced, log out and find the tokens
gone; no token ever reaches a response or a log line.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from redis import Redis

from services.gateway.account import account_key
from tests.e2e.conftest import Stack
from tests.e2e.test_playlist_flow import sunset_photo

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


class Recorder:
    """The gateway as a browser sees it, keeping every response body to search for tokens afterwards."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.browser = httpx.Client(base_url=stack.gateway, timeout=120)
        self.seen: list[str] = []

    def __call__(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        response = self.browser.request(method, url, **kwargs)  # type: ignore[arg-type]
        self.seen.append(f"{dict(response.headers)}\n{response.text}")
        return response

    def sign_in(self, user: str = "demo") -> httpx.Response:
        fake("POST", self.stack, "/_fake/sign-in-as", json={"user": user})
        login = self("GET", "/v1/auth/login")
        assert login.status_code == 302, login.text
        at_spotify = httpx.get(login.headers["location"], follow_redirects=False)
        assert at_spotify.status_code in (302, 303), at_spotify.text
        back = urlsplit(at_spotify.headers["location"])
        return self("GET", f"{back.path}?{back.query}")

    def make_playlist(self, **data: str) -> dict:
        files = {"image": ("sunset.jpg", sunset_photo(), "image/jpeg")}
        response = self("POST", "/v1/playlists", files=files, data={"n": "8", **data})
        assert response.status_code == 201, response.text
        return response.json()


def fake(method: str, stack: Stack, path: str, **kwargs: object) -> httpx.Response:
    response = httpx.request(method, f"{stack.spotify}{path}", timeout=10, **kwargs)  # type: ignore[arg-type]
    assert response.is_success, response.text
    return response


def spotify_calls(stack: Stack) -> int:
    return len(fake("GET", stack, "/_fake/requests", params={"path_prefix": "/v1/"}).json())


def on_spotify(stack: Stack) -> dict[str, dict]:
    return {p["id"]: p for p in fake("GET", stack, "/_fake/playlists").json()}


@pytest.fixture
def redis(stack: Stack) -> Iterator[Redis]:
    client = Redis.from_url(stack.redis)
    yield client
    client.close()


def test_sign_in_genres_playlists_on_spotify_save_and_sign_out(stack: Stack, redis: Redis) -> None:
    user = Recorder(stack)
    assert user("GET", "/v1/me").json() == {
        "signed_in": False,
        "spotify_configured": True,
        "display_name": None,
        "spotify_user_id": None,
        "genres": None,
    }
    guest_cookie = user("GET", "/v1/auth/login").cookies.get("pp_session")
    signed_in = user.sign_in()
    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.headers["location"] == "/"
    assert signed_in.cookies["pp_session"] != guest_cookie  # a new session id at sign-in
    assert "httponly" in signed_in.headers["set-cookie"].lower()

    me = user("GET", "/v1/me").json()
    assert (me["signed_in"], me["display_name"], me["spotify_user_id"]) == (True, "Demo Listener", "demo")
    assert me["genres"]["source"] == "top_artists"
    assert 0 < len(me["genres"]["genres"]) <= 5

    before = spotify_calls(stack)
    assert user("GET", "/v1/me/genres").json() == me["genres"]
    assert spotify_calls(stack) == before  # the cached profile costs no Spotify call

    edited = user("PUT", "/v1/me/genres", json={"genres": ["uk garage", "indie-pop"]}).json()
    assert edited["edited"] is True
    assert "indie-pop" in edited["genres"]
    shuffled = user("POST", "/v1/me/genres/shuffle").json()
    assert set(shuffled["genres"]) <= set(shuffled["counts"])

    first = user.make_playlist()
    assert first["genres"] and set(first["genres"]) <= set(shuffled["genres"])  # the profile stood in for none given
    placed = on_spotify(stack)[first["spotify"]["id"]]
    assert placed["owner"] == "demo"
    assert placed["public"] is False
    assert placed["track_ids"] == [track["id"] for track in first["tracks"]]
    assert len(placed["track_ids"]) == 8
    assert placed["cover_bytes"] > 0
    assert "PRESSED / PLAY" in placed["name"]

    saved = user("POST", f"/v1/playlists/{first['id']}/save")
    assert saved.json()["spotify"]["saved"] is True
    second = user.make_playlist(genres="rock")
    third = user.make_playlist(genres="rock")
    followed = {pid: p["followed"] for pid, p in on_spotify(stack).items()}
    assert followed[first["spotify"]["id"]] is True  # saved: kept
    assert followed[second["spotify"]["id"]] is False  # unsaved: replaced by the third
    assert followed[third["spotify"]["id"]] is True

    # This browser's keys (other tests on the shared stack may hold their own sign-ins).
    tokens_key = f"pp:spotify:tokens:{account_key(user.browser.cookies['pp_session'])}"
    assert redis.exists(tokens_key)
    profiles_before = set(redis.keys("pp:spotify:profile:*"))
    assert user("POST", "/v1/auth/logout").status_code == 204
    assert not redis.exists(tokens_key)
    assert len(set(redis.keys("pp:spotify:profile:*"))) < len(profiles_before)  # the demo user's profile went
    assert user("GET", "/v1/me").json()["signed_in"] is False

    tokens = fake("GET", stack, "/_fake/tokens").json()
    assert tokens
    logs = "".join(path.read_text(errors="replace") for path in stack.log_dir.glob("*.log"))
    assert "spotify.signed_in" in logs and "spotify.playlist_published" in logs  # the logs were written
    stored = b"".join(stored_values(redis))
    for token in tokens:
        assert token not in logs
        assert all(token not in seen for seen in user.seen)
        assert token.encode() not in stored


def stored_values(redis: Redis) -> list[bytes]:
    """Every value Redis holds: strings (sessions, Spotify state) and hashes (the gateway's rate-limit buckets)."""
    values: list[bytes] = []
    for key in redis.keys("*"):
        kind = redis.type(key)
        if kind == b"string":
            values.append(_as_bytes(redis.get(key) or b""))
        elif kind == b"hash":
            values.extend(_as_bytes(value) for value in redis.hgetall(key).values())
        else:  # a new kind of value must be searched too, not skipped
            raise AssertionError(f"Redis key {key!r} holds a {kind!r}; teach stored_values to read it")
    return values


def _as_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def test_a_forged_state_or_a_missing_cookie_at_the_callback_is_400(stack: Stack) -> None:
    user = Recorder(stack)
    user("GET", "/v1/auth/login")
    forged = user("GET", "/v1/auth/callback?code=abc&state=forged")
    assert (forged.status_code, forged.json()["error"]) == (400, "InvalidSignIn")
    cookieless = httpx.get(f"{stack.gateway}/v1/auth/callback?code=abc&state=x")
    assert (cookieless.status_code, cookieless.json()["error"]) == (400, "InvalidSignIn")
    denied = Recorder(stack)
    fake("POST", stack, "/_fake/deny-next-authorization")
    answer = denied.sign_in()
    assert (answer.status_code, answer.json()["error"]) == (400, "InvalidSignIn")
    assert denied("GET", "/v1/me").json()["signed_in"] is False


def test_spotify_errors_reach_the_browser_as_named_errors(stack: Stack) -> None:
    user = Recorder(stack)
    assert user.sign_in("newcomer").status_code == 303
    assert user("GET", "/v1/me/genres").json()["source"] == "top_tracks"  # artists without genres: catalog fallback
    fake("POST", stack, "/_fake/faults", json={"status": 403, "path_prefix": "/v1/me/top"})
    forbidden = user("GET", "/v1/me/genres", params={"refresh": "true"})
    assert (forbidden.status_code, forbidden.json()["error"]) == (403, "SpotifyForbidden")
    assert "Development Mode" in forbidden.json()["detail"]["message"]
    fake("POST", stack, "/_fake/faults", json={"status": 429, "retry_after": 60, "path_prefix": "/v1/me/top"})
    limited = user("GET", "/v1/me/genres", params={"refresh": "true"})
    assert limited.status_code == 503
    assert limited.headers["Retry-After"] == "60"
    unauthenticated = httpx.get(f"{stack.gateway}/v1/me/genres")
    assert (unauthenticated.status_code, unauthenticated.json()["error"]) == (401, "SpotifySignInRequired")
