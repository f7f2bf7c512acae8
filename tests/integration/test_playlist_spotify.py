"""The playlist service's Spotify side over HTTP: the app in-process, the fake Spotify over real HTTP, real Redis.

Sign-in (PKCE, state bound to the session, single use), tokens encrypted in Redis, refresh, the genre profile and
its cache, the playlist on the account (gone tracks replaced, cover, unsaved ones replaced), and each error.
"""

from __future__ import annotations

import base64
import io
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from PIL import Image
from redis import Redis

from services.playlist.app import create_app
from tests.fakes.spotify import FakeSpotify
from tests.fakes.spotify_definition import Exchange, load_definition
from tests.fakes.spotify_state import SpotifyState
from tests.unit.test_playlist_api import FEATURES, mapper, settings, small_catalog
from tests.unit.test_spotify_profile_and_publish import png_header

pytestmark = pytest.mark.integration
CLIENT_ID = "pp-test"
REDIRECT = "http://127.0.0.1:8000/v1/auth/callback"
TRACKS = [f"{i:022d}" for i in range(60)]  # the small catalog's ids


def world() -> SpotifyState:
    state = SpotifyState()
    state.add_app(client_id=CLIENT_ID, client_secret="unused", redirect_uris=[REDIRECT])
    user = state.add_user("listener", display_name="Listener")
    with_genres = state.add_artist("Artist 1", genres=["bedroom pop"])
    rap = state.add_artist("Artist 2", genres=["uk hip hop"])
    bare = state.add_artist("Artist 3")
    user.top_artists = {"short_term": [with_genres.id], "medium_term": [rap.id, bare.id], "long_term": [bare.id]}
    track = state.add_track("Track 3", artist_ids=[bare.id], track_id=TRACKS[3])
    user.top_tracks = {"medium_term": [track.id]}
    state.describe_unknown_track = lambda track_id: (f"Track {track_id}", "Someone")
    return state


def warm_fake_definition() -> None:
    """The fake reads and compiles Spotify's definition on its first /v1 request (15 s + 4 s on a busy machine): done
    here, once per process, it stays out of the first sign-in, which the service bounds at 3 s (timeout + 2)."""
    load_definition().request_problems(Exchange("GET", "/v1/me", "", "", b"", 0, "", b""))


@pytest.fixture
def spotify() -> Iterator[FakeSpotify]:
    warm_fake_definition()
    with FakeSpotify(world()) as server:
        yield server


@pytest.fixture
def redis_db(redis_service: str) -> Iterator[tuple[str, Redis]]:
    client = Redis.from_url(redis_service)
    client.flushdb()
    yield redis_service, client
    client.close()


@pytest.fixture
def app(spotify: FakeSpotify, redis_db: tuple[str, Redis]) -> Iterator[TestClient]:
    config = settings(
        redis_url=redis_db[0],
        spotify_client_id=CLIENT_ID,
        spotify_accounts_url=spotify.accounts_url,
        spotify_api_url=spotify.api_url,
        spotify_timeout_s=1.0,
        spotify_max_retry_after_s=2,
        token_key=Fernet.generate_key().decode(),
    )
    with TestClient(create_app(config, catalog=small_catalog(), mapper=mapper())) as client:
        assert wait_ready(client)
        yield client


def wait_ready(client: TestClient) -> bool:
    for _ in range(200):
        if client.get("/readyz").status_code == 200:
            return True
        import time

        time.sleep(0.05)
    return False


def key() -> str:
    return uuid.uuid4().hex


def authorize(client: TestClient, account: str) -> dict[str, str]:
    """Start a sign-in and play the browser at Spotify: the callback's query."""
    url = client.post("/v1/spotify/sign-in", headers={"X-Account-Key": account}, json={}).json()["authorize_url"]
    redirect = httpx.get(url, follow_redirects=False)
    return {k: v[0] for k, v in parse_qs(urlsplit(redirect.headers["location"]).query).items()}


def sign_in(client: TestClient) -> str:
    old, new = key(), key()
    query = authorize(client, old)
    answer = client.post("/v1/spotify/callback", headers={"X-Account-Key": old}, json={"new_account": new, **query})
    assert answer.status_code == 200, answer.text
    return new


def as_user(account: str) -> dict[str, str]:
    return {"X-Account-Key": account}


def test_signing_in_keeps_only_ciphertext_in_redis_under_the_new_session(app, spotify, redis_db):
    account = sign_in(app)
    assert app.get("/v1/spotify/me", headers=as_user(account)).json()["user_id"] == "listener"
    values = [redis_db[1].get(k) or b"" for k in redis_db[1].keys("*")]
    assert values
    for token in spotify.state.issued_tokens:
        assert all(token.encode() not in value for value in values)
    assert not app.get("/v1/spotify/me", headers=as_user(key())).json()["signed_in"]


def test_the_authorize_url_asks_for_pkce_s256_and_only_the_scopes_the_product_uses(app):
    url = app.post("/v1/spotify/sign-in", headers=as_user(key()), json={}).json()["authorize_url"]
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [REDIRECT]
    # The union of the used operations' `security` scopes in Spotify's definition (tests/contract checks the union).
    assert set(query["scope"][0].split()) == {
        "user-read-private",
        "user-read-email",
        "user-top-read",
        "playlist-modify-private",
        "playlist-modify-public",
        "ugc-image-upload",
        "user-library-modify",
        "user-follow-modify",
    }


@pytest.mark.parametrize("problem", ["unknown state", "other session", "no code", "spotify error", "replayed"])
def test_a_bad_callback_is_400_and_stores_nothing(app, redis_db, problem):
    old, new = key(), key()
    query = authorize(app, old)
    if problem == "unknown state":
        query["state"] = "forged"
    elif problem == "other session":
        old = key()
    elif problem == "no code":
        query.pop("code")
    elif problem == "spotify error":
        query = {"state": query["state"], "error": "access_denied"}
    elif problem == "replayed":
        first = app.post("/v1/spotify/callback", headers=as_user(old), json={"new_account": key(), **query})
        assert first.status_code == 200
    answer = app.post("/v1/spotify/callback", headers=as_user(old), json={"new_account": new, **query})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "InvalidSignIn"
    assert not app.get("/v1/spotify/me", headers=as_user(new)).json()["signed_in"]
    assert not redis_db[1].keys(f"pp:spotify:tokens:{new}")


def test_a_short_429_on_the_sign_in_profile_call_is_waited_out(app, spotify):
    old, new = key(), key()
    query = authorize(app, old)
    spotify.state.inject(429, retry_after=1, path_prefix="/v1/me")
    answer = app.post("/v1/spotify/callback", headers=as_user(old), json={"new_account": new, **query})
    assert answer.status_code == 200, answer.text
    assert len(spotify.state.calls("/v1/me", method="GET")) == 2


@pytest.mark.parametrize(
    ("status", "retry_after", "answer_status", "error"),
    [(429, 30, 503, "SpotifyRateLimited"), (401, None, 401, "SpotifySignInRequired")],
)
def test_spotify_refusing_the_sign_in_profile_call_is_named_and_stores_nothing(
    app, spotify, redis_db, status, retry_after, answer_status, error
):
    # Spotify answers GET /me in the callback with a long 429 or a 401: before, a 500 with no error name.
    old, new = key(), key()
    query = authorize(app, old)
    spotify.state.inject(status, retry_after=retry_after, path_prefix="/v1/me")
    answer = app.post("/v1/spotify/callback", headers=as_user(old), json={"new_account": new, **query})
    assert (answer.status_code, answer.json()["error"]) == (answer_status, error), answer.text
    if retry_after is not None:
        assert answer.headers["Retry-After"] == str(retry_after)
    assert not redis_db[1].keys(f"pp:spotify:tokens:{new}")
    assert not app.get("/v1/spotify/me", headers=as_user(new)).json()["signed_in"]


def test_the_profile_maps_top_artists_genres_and_a_second_fetch_makes_no_spotify_call(app, spotify):
    account = sign_in(app)
    profile = app.get("/v1/spotify/genres", headers=as_user(account)).json()
    assert profile["source"] == "top_artists"
    # bedroom pop (short term, weight 3) -> indie-pop + chill; uk hip hop (medium, weight 2) -> hip-hop
    assert profile["counts"] == {"chill": 3.0, "indie-pop": 3.0, "hip-hop": 2.0}
    assert set(profile["genres"]) == {"chill", "indie-pop", "hip-hop"}
    calls = len(spotify.state.calls("/v1/"))
    again = app.get("/v1/spotify/genres", headers=as_user(account)).json()
    assert again == profile
    assert len(spotify.state.calls("/v1/")) == calls
    refreshed = app.get("/v1/spotify/genres", params={"refresh": "true"}, headers=as_user(account))
    assert refreshed.status_code == 200
    assert len(spotify.state.calls("/v1/me/top/artists")) == 6


def test_without_artist_genres_the_profile_uses_the_catalog_genres_of_top_tracks_artists(app, spotify):
    for artist in spotify.state.artists.values():
        artist.genres = []
    account = sign_in(app)
    profile = app.get("/v1/spotify/genres", headers=as_user(account)).json()
    assert profile["source"] == "top_tracks"
    # Artist 3 has one catalog track in each genre; it counts once, at the short-term weight 3, shared over them.
    assert profile["counts"] == {"ambient": 1.0, "hip-hop": 1.0, "indie-pop": 1.0}


def test_with_nothing_to_go_on_the_profile_is_the_default_mix(app, spotify):
    for artist in spotify.state.artists.values():
        artist.genres = []
    spotify.state.users["listener"].top_tracks = {}
    profile = app.get("/v1/spotify/genres", headers=as_user(sign_in(app))).json()
    assert profile["source"] == "default"
    assert 0 < len(profile["genres"]) <= 5


def test_genres_can_be_set_mapped_and_shuffled(app):
    account = sign_in(app)
    edited = app.put("/v1/spotify/genres", headers=as_user(account), json={"genres": ["uk hip hop", "ambient"]})
    assert edited.json()["genres"] == ["hip-hop", "ambient"]
    assert edited.json()["edited"] is True
    assert app.get("/v1/spotify/genres", headers=as_user(account)).json()["genres"] == ["hip-hop", "ambient"]
    shuffled = app.post("/v1/spotify/genres/shuffle", headers=as_user(account), json={}).json()
    assert shuffled["edited"] is False
    assert set(shuffled["genres"]) <= set(shuffled["counts"])
    too_many = app.put("/v1/spotify/genres", headers=as_user(account), json={"genres": ["a"] * 1 + ["qwrtp"]})
    assert too_many.status_code == 422


def test_an_expired_access_token_is_refreshed_once_and_the_rotated_refresh_token_kept(app, spotify):
    account = sign_in(app)
    spotify.state.expire_all_tokens()
    assert app.get("/v1/spotify/genres", headers=as_user(account)).status_code == 200
    spotify.state.expire_all_tokens()
    assert app.get("/v1/spotify/genres", params={"refresh": "true"}, headers=as_user(account)).status_code == 200
    assert len(spotify.state.calls("/api/token", method="POST")) == 3  # the code, then two refreshes


def test_a_401_after_one_refresh_is_spotify_sign_in_required_and_the_tokens_are_gone(app, spotify, redis_db):
    account = sign_in(app)
    spotify.state.expire_all_tokens()
    spotify.state.revoke_refresh_tokens()
    answer = app.get("/v1/spotify/genres", headers=as_user(account))
    assert answer.status_code == 401
    assert answer.json()["error"] == "SpotifySignInRequired"
    assert not redis_db[1].keys(f"pp:spotify:tokens:{account}")


def test_a_403_names_development_mode_limits(app, spotify):
    account = sign_in(app)
    spotify.state.inject(403, path_prefix="/v1/me/top")
    answer = app.get("/v1/spotify/genres", headers=as_user(account))
    assert answer.status_code == 403
    assert answer.json()["error"] == "SpotifyForbidden"
    assert "Development Mode" in answer.json()["detail"]["message"]
    assert "5 users" in answer.json()["detail"]["message"]


def test_a_short_429_is_waited_out_and_a_long_one_is_503_with_retry_after(app, spotify):
    account = sign_in(app)
    spotify.state.inject(429, retry_after=1, path_prefix="/v1/me/top")
    assert app.get("/v1/spotify/genres", headers=as_user(account)).status_code == 200
    spotify.state.inject(429, retry_after=30, path_prefix="/v1/me/top")
    answer = app.get("/v1/spotify/genres", params={"refresh": "true"}, headers=as_user(account))
    assert answer.status_code == 503
    assert answer.json()["error"] == "SpotifyRateLimited"
    assert answer.headers["Retry-After"] == "30"


def test_a_slow_spotify_is_a_504_and_a_failing_one_a_503(app, spotify):
    account = sign_in(app)
    spotify.state.inject(0, delay_s=4.0, path_prefix="/v1/me/top")
    slow = app.get("/v1/spotify/genres", headers=as_user(account))
    assert (slow.status_code, slow.json()["error"]) == (504, "SpotifyTimeout")
    spotify.state.inject(500, path_prefix="/v1/me/top")
    failing = app.get("/v1/spotify/genres", headers=as_user(account))
    assert (failing.status_code, failing.json()["error"]) == (503, "SpotifyUnavailable")


def photo(width: int = 1200, height: int = 800) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 80).convert("RGB").save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def publish(app: TestClient, account: str, candidates: list[str], n: int) -> dict:
    body = {"features": FEATURES, "genres": ["hip-hop"], "mode": "match", "candidates": candidates, "n": n}
    answer = app.post("/v1/spotify/playlists", headers=as_user(account), json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_playlist_is_private_named_from_the_mood_with_gone_tracks_replaced_in_order(app, spotify):
    account = sign_in(app)
    spotify.state.gone_tracks.update({TRACKS[1], TRACKS[4]})
    made = publish(app, account, TRACKS[:8], n=5)
    assert made["track_ids"] == [TRACKS[0], TRACKS[2], TRACKS[3], TRACKS[5], TRACKS[6]]
    assert made["skipped"] == 2
    on_spotify = spotify.state.playlists[made["id"]]
    assert on_spotify.track_ids == made["track_ids"]
    assert on_spotify.public is False
    assert on_spotify.name.endswith("· PRESSED / PLAY")
    assert "hip-hop" in on_spotify.description
    assert made["url"].endswith(made["id"])


def test_more_than_100_tracks_go_in_calls_of_100(app, spotify):
    account = sign_in(app)
    ids = [f"x{i:021d}" for i in range(150)]
    made = publish(app, account, ids, n=100)
    assert len(made["track_ids"]) == 100
    adds = spotify.state.calls(f"/v1/playlists/{made['id']}/items", method="POST")
    assert len(adds) == 1
    spotify.state.gone_tracks.add(ids[3])
    made = publish(app, account, ids[:101], n=100)
    assert made["skipped"] == 1
    assert made["track_ids"] == [*ids[:3], *ids[4:101]]


def test_the_photo_becomes_a_square_cover_under_256_kb(app, spotify):
    account = sign_in(app)
    made = publish(app, account, TRACKS[:3], n=3)
    answer = app.put(
        f"/v1/spotify/playlists/{made['id']}/cover",
        headers={**as_user(account), "Content-Type": "image/jpeg"},
        content=photo(3000, 2000),
    )
    assert answer.status_code == 204, answer.text
    cover = spotify.state.playlists[made["id"]].image_jpeg
    assert cover is not None
    assert len(base64.b64encode(cover)) <= 256 * 1024
    with Image.open(io.BytesIO(cover)) as image:
        assert image.format == "JPEG"
        assert image.width == image.height


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [(png_header(20_000, 10_000), 413, "PayloadTooLarge"), (b"not a photo", 422, "CoverImageUnusable")],
    ids=["65-byte png claiming 200 megapixels", "not an image"],
)
def test_a_cover_that_cannot_be_made_is_named_and_the_playlist_keeps_none(app, spotify, body, status, error):
    account = sign_in(app)
    made = publish(app, account, TRACKS[:3], n=3)
    answer = app.put(
        f"/v1/spotify/playlists/{made['id']}/cover",
        headers={**as_user(account), "Content-Type": "image/png"},
        content=body,
    )
    assert (answer.status_code, answer.json()["error"]) == (status, error), answer.text
    assert spotify.state.playlists[made["id"]].image_jpeg is None


def test_a_new_playlist_unfollows_the_previous_unsaved_one_but_not_a_saved_one(app, spotify):
    account = sign_in(app)
    first = publish(app, account, TRACKS[:3], n=3)
    saved = app.post(f"/v1/spotify/playlists/{first['id']}/save", headers=as_user(account), json={})
    assert saved.status_code == 204
    second = publish(app, account, TRACKS[3:6], n=3)
    third = publish(app, account, TRACKS[6:9], n=3)
    assert third["unfollowed"] == [second["id"]]
    playlists = spotify.state.playlists
    assert (playlists[first["id"]].followed, playlists[second["id"]].followed) == (True, False)
    assert playlists[third["id"]].followed
    unknown = app.post("/v1/spotify/playlists/nope/save", headers=as_user(account), json={})
    assert unknown.status_code == 404


def test_signing_out_deletes_the_tokens_and_the_cached_profile(app, redis_db):
    account = sign_in(app)
    app.get("/v1/spotify/genres", headers=as_user(account))
    assert redis_db[1].keys("pp:spotify:profile:*")
    assert app.post("/v1/spotify/sign-out", headers=as_user(account), json={}).status_code == 204
    assert not redis_db[1].keys("pp:spotify:tokens:*")
    assert not redis_db[1].keys("pp:spotify:profile:*")
    assert app.get("/v1/spotify/genres", headers=as_user(account)).status_code == 401


def test_signing_in_again_from_a_signed_in_session_leaves_only_the_new_sessions_tokens(app, redis_db):
    first = sign_in(app)
    app.put("/v1/spotify/genres", headers=as_user(first), json={"genres": ["house"]})
    again = key()
    query = authorize(app, first)
    answer = app.post("/v1/spotify/callback", headers=as_user(first), json={"new_account": again, **query})
    assert answer.status_code == 200, answer.text
    assert not app.get("/v1/spotify/me", headers=as_user(first)).json()["signed_in"]  # the replaced session
    assert app.get("/v1/spotify/me", headers=as_user(again)).json()["signed_in"]
    assert len(redis_db[1].keys("pp:spotify:tokens:*")) == 1
    assert app.get("/v1/spotify/genres", headers=as_user(again)).json()["edited"] is True  # the user's edits stay
