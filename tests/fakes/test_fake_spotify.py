"""The fake Spotify behaves like the 2026 Web API: OAuth with PKCE, bearer checks, paging, removals, faults."""

from __future__ import annotations

import base64
import io

import httpx
import pytest
from PIL import Image

from services.playlist.spotify.oauth import SCOPES
from tests.fakes.spotify import FakeSpotify
from tests.fakes.spotify_signin import TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_REDIRECT_URI, sign_in
from tests.fakes.spotify_state import MAX_RECORDED_REQUESTS

pytest_plugins = ["tests.fakes.conftest_spotify"]
pytestmark = pytest.mark.integration

VERIFIER = "v" * 64
# Reading playlists needs the playlist-read-* scopes by Spotify's definition; the product never reads them.
READING_SCOPES = " ".join((*SCOPES, "playlist-read-private", "playlist-read-collaborative"))


def _user_tokens(server: FakeSpotify, **sign_in_options: str) -> dict:
    query = sign_in(server, verifier=VERIFIER, **sign_in_options)
    form = {
        "grant_type": "authorization_code",
        "code": query["code"][0],
        "redirect_uri": TEST_REDIRECT_URI,
        "client_id": TEST_CLIENT_ID,
        "code_verifier": VERIFIER,
    }
    response = httpx.post(server.token_url, data=form)
    assert response.status_code == 200, response.text
    return response.json()


def _api(server: FakeSpotify, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.api_url, headers={"Authorization": f"Bearer {token}"})


def test_authorize_redirects_back_with_a_code_and_the_same_state(fake_spotify):
    query = sign_in(fake_spotify, verifier=VERIFIER, state="abc123")
    assert query["state"] == ["abc123"]
    assert query["code"][0]


def test_authorize_without_pkce_redirects_with_invalid_request(fake_spotify):
    params = {"client_id": TEST_CLIENT_ID, "response_type": "code", "redirect_uri": TEST_REDIRECT_URI, "state": "s"}
    response = httpx.get(f"{fake_spotify.accounts_url}/authorize", params=params)
    assert "error=invalid_request" in response.headers["location"]


def test_authorize_with_an_unregistered_redirect_uri_shows_an_error_instead_of_redirecting(fake_spotify):
    params = {"client_id": TEST_CLIENT_ID, "response_type": "code", "redirect_uri": "http://evil.example/cb"}
    response = httpx.get(f"{fake_spotify.accounts_url}/authorize", params=params)
    assert response.status_code == 400
    assert "location" not in response.headers


def test_a_denied_consent_redirects_with_access_denied(fake_spotify, spotify_state):
    spotify_state.deny_next_authorization = True
    assert sign_in(fake_spotify, verifier=VERIFIER)["error"] == ["access_denied"]


def test_the_code_exchange_checks_the_pkce_verifier_and_the_code_is_single_use(fake_spotify):
    code = sign_in(fake_spotify, verifier=VERIFIER)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": TEST_REDIRECT_URI,
        "client_id": TEST_CLIENT_ID,
        "code_verifier": "w" * 64,
    }
    wrong = httpx.post(fake_spotify.token_url, data=form)
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    retry = httpx.post(fake_spotify.token_url, data={**form, "code_verifier": VERIFIER})
    assert retry.status_code == 400  # the failed attempt used the code up


def test_refresh_tokens_rotate(fake_spotify):
    tokens = _user_tokens(fake_spotify)
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": TEST_CLIENT_ID}
    first = httpx.post(fake_spotify.token_url, data=form)
    assert first.status_code == 200
    assert first.json()["refresh_token"] != tokens["refresh_token"]
    assert httpx.post(fake_spotify.token_url, data=form).status_code == 400


def test_client_credentials_need_the_secret(fake_spotify):
    good = httpx.post(
        fake_spotify.token_url, data={"grant_type": "client_credentials"}, auth=(TEST_CLIENT_ID, TEST_CLIENT_SECRET)
    )
    bad = httpx.post(fake_spotify.token_url, data={"grant_type": "client_credentials"}, auth=(TEST_CLIENT_ID, "nope"))
    assert good.status_code == 200
    assert "refresh_token" not in good.json()
    assert bad.status_code == 400


def test_api_calls_without_a_valid_bearer_token_get_401(fake_spotify):
    assert httpx.get(f"{fake_spotify.api_url}me").status_code == 401
    with _api(fake_spotify, "made-up") as api:
        assert api.get("me").json()["error"]["message"] == "Invalid access token"


def test_expired_tokens_get_401_with_spotifys_message(fake_spotify, spotify_state):
    tokens = _user_tokens(fake_spotify)
    spotify_state.expire_all_tokens()
    with _api(fake_spotify, tokens["access_token"]) as api:
        assert api.get("me").json()["error"] == {"status": 401, "message": "The access token expired"}


def test_me_has_no_email_country_product_or_followers(fake_spotify):
    with _api(fake_spotify, _user_tokens(fake_spotify)["access_token"]) as api:
        me = api.get("me").json()
    assert me["id"] == "listener"
    assert not {"email", "country", "product", "followers"} & set(me)


def test_top_artists_need_the_scope_and_a_valid_time_range(fake_spotify):
    scoped = _user_tokens(fake_spotify)["access_token"]
    unscoped = _user_tokens(fake_spotify, scopes="playlist-modify-public")["access_token"]
    with _api(fake_spotify, scoped) as api:
        page = api.get("me/top/artists", params={"limit": 2}).json()
        assert len(page["items"]) == 2
        assert page["next"]
        assert api.get("me/top/artists", params={"time_range": "forever"}).status_code == 400
        assert api.get("me/top/tracks", params={"limit": 51}).status_code == 400
    with _api(fake_spotify, unscoped) as api:
        assert api.get("me/top/artists").status_code == 403


def test_search_allows_at_most_ten_results(fake_spotify):
    with _api(fake_spotify, _user_tokens(fake_spotify)["access_token"]) as api:
        assert api.get("search", params={"q": "song", "type": "track"}).json()["tracks"]["limit"] == 5
        too_many = api.get("search", params={"q": "song", "type": "track", "limit": 11})
    assert too_many.status_code == 400
    assert too_many.json()["error"]["message"] == "Invalid limit"


def test_removed_endpoints_answer_as_observed(fake_spotify, spotify_state):
    track = next(iter(spotify_state.tracks))
    with _api(fake_spotify, _user_tokens(fake_spotify)["access_token"]) as api:
        assert api.get("audio-features", params={"ids": track}).status_code == 403
        assert api.get("recommendations", params={"seed_genres": "pop"}).status_code == 404
        assert api.get("recommendations/available-genre-seeds").status_code == 404
        assert api.get("tracks", params={"ids": track}).status_code == 403
        assert api.post("users/listener/playlists", json={"name": "x"}).status_code == 403
        playlist = next(iter(spotify_state.playlists))
        assert api.get(f"playlists/{playlist}/tracks").status_code == 403


def test_audio_features_answer_for_an_app_with_extended_access(fake_spotify, spotify_state, spotify_app):
    spotify_app.extended_access = True
    track = next(iter(spotify_state.tracks))
    with _api(fake_spotify, _user_tokens(fake_spotify)["access_token"]) as api:
        body = api.get("audio-features", params={"ids": f"{track},missing"}).json()
    assert body["audio_features"][0]["energy"] == spotify_state.tracks[track].features["energy"]
    assert body["audio_features"][1] is None


def test_a_created_playlist_takes_items_and_a_cover(fake_spotify, spotify_state):
    track_uris = [f"spotify:track:{t}" for t in list(spotify_state.tracks)[:3]]
    jpeg = io.BytesIO()
    Image.new("RGB", (64, 64), "purple").save(jpeg, format="JPEG")
    with _api(fake_spotify, _user_tokens(fake_spotify, scopes=READING_SCOPES)["access_token"]) as api:
        created = api.post("me/playlists", json={"name": "Sunset", "public": False})
        assert created.status_code == 201
        playlist_id = created.json()["id"]
        assert api.post(f"playlists/{playlist_id}/items", json={"uris": track_uris}).status_code == 201
        assert api.put(f"playlists/{playlist_id}/items", json={"uris": track_uris[:2]}).status_code == 200
        removed = api.request("DELETE", f"playlists/{playlist_id}/items", json={"items": [{"uri": track_uris[0]}]})
        assert removed.status_code == 200
        as_jpeg = {"Content-Type": "image/jpeg"}
        untyped = api.put(f"playlists/{playlist_id}/images", content=base64.b64encode(jpeg.getvalue()))
        assert untyped.status_code == 400  # the definition's only body type is image/jpeg
        cover = api.put(f"playlists/{playlist_id}/images", content=base64.b64encode(jpeg.getvalue()), headers=as_jpeg)
        assert cover.status_code == 202
        too_big = api.put(f"playlists/{playlist_id}/images", content=b"A" * (256 * 1024 + 4), headers=as_jpeg)
        assert too_big.status_code == 413
        items = api.get(f"playlists/{playlist_id}/items").json()
    assert [i["track"]["uri"] for i in items["items"]] == track_uris[1:2]
    assert spotify_state.playlists[playlist_id].image_jpeg == jpeg.getvalue()


def test_playlist_items_page_with_absolute_next_links(fake_spotify, spotify_state):
    playlist = next(iter(spotify_state.playlists.values()))
    with _api(fake_spotify, _user_tokens(fake_spotify, scopes=READING_SCOPES)["access_token"]) as api:
        first = api.get(f"playlists/{playlist.id}/items", params={"limit": 2}).json()
        second = api.get(first["next"]).json()
        assert api.get(f"playlists/{playlist.id}/items", params={"limit": 101}).status_code == 400
    assert first["total"] == len(playlist.track_ids)
    assert [i["track"]["id"] for i in first["items"] + second["items"]] == playlist.track_ids[:4]


def test_injected_429_carries_retry_after_then_the_api_answers_again(fake_spotify, spotify_state):
    spotify_state.inject(429, times=2, retry_after=3)
    with _api(fake_spotify, _user_tokens(fake_spotify)["access_token"]) as api:
        limited = [api.get("me") for _ in range(2)]
        assert api.get("me").status_code == 200
    assert [r.status_code for r in limited] == [429, 429]
    assert limited[0].headers["retry-after"] == "3"
    assert len(spotify_state.calls("/v1/me")) == 3


def test_my_playlists_include_private_ones_and_user_listings_only_public(fake_spotify, spotify_state, spotify_app):
    with _api(fake_spotify, _user_tokens(fake_spotify, scopes=READING_SCOPES)["access_token"]) as api:
        created = api.post("me/playlists", json={"name": "Secret", "public": False}).json()
        mine = api.get("me/playlists", params={"limit": 50}).json()
        # Another user's profile and playlists are deprecated operations: refused in Development Mode.
        assert api.get("users/listener/playlists").status_code == 403
        assert api.get("users/nobody").status_code == 403
        spotify_app.extended_access = True
        public = api.get("users/listener/playlists", params={"limit": 50}).json()
        assert api.get("users/nobody").status_code == 404
    assert created["id"] in {p["id"] for p in mine["items"]}
    assert created["id"] not in {p["id"] for p in public["items"]}
    assert mine["total"] == public["total"] + 1


def test_editorial_playlists_are_hidden_from_apps_without_extended_access(fake_spotify, spotify_state, spotify_app):
    spotify_state.add_user("spotify", editorial=True)
    editorial = spotify_state.add_playlist("spotify", "Today's Top Hits")
    with _api(fake_spotify, _user_tokens(fake_spotify, scopes=READING_SCOPES)["access_token"]) as api:
        assert api.get("users/spotify/playlists").status_code == 403  # deprecated: refused in Development Mode
        assert api.get(f"playlists/{editorial.id}").status_code == 404
        spotify_app.extended_access = True
        assert api.get("users/spotify/playlists").json()["total"] == 1


def test_gone_tracks_are_refused_until_put_back_and_the_request_log_is_bounded(fake_spotify, spotify_state):
    track_uris = [f"spotify:track:{t}" for t in list(spotify_state.tracks)[:2]]
    control = httpx.Client(base_url=f"{fake_spotify.base_url}/_fake")
    assert control.post("/gone-tracks", json={"ids": [track_uris[0].rsplit(":", 1)[1]]}).status_code == 204
    with _api(fake_spotify, _user_tokens(fake_spotify, scopes=READING_SCOPES)["access_token"]) as api:
        playlist_id = api.post("me/playlists", json={"name": "Gone", "public": False}).json()["id"]
        refused = api.post(f"playlists/{playlist_id}/items", json={"uris": track_uris})
        assert refused.status_code == 400 and refused.json()["error"]["status"] == 400
        assert control.delete("/gone-tracks").status_code == 204
        assert api.post(f"playlists/{playlist_id}/items", json={"uris": track_uris}).status_code == 201
    assert spotify_state.requests.maxlen == MAX_RECORDED_REQUESTS
    for _ in range(MAX_RECORDED_REQUESTS):
        spotify_state.record(spotify_state.requests[-1])
    assert len(spotify_state.requests) == MAX_RECORDED_REQUESTS
