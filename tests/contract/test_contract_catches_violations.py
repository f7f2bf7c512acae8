"""The contract check fails when it should: requests sent deliberately wrong (a deprecated call, a body of the wrong
shape), a fake answer of the wrong shape; and the fake refuses them as Spotify does (403 deprecated for a
development-mode app, 403 without the scope, 400 for a malformed body, Spotify's error shape each time)."""

from __future__ import annotations

import json

import httpx
import pytest
import requests
import spotipy

from services.playlist.spotify.oauth import SCOPES
from tests.contract.spotify_contract import api_violations
from tests.fakes.spotify import FakeSpotify
from tests.fakes.spotify_definition import load_definition
from tests.fakes.spotify_signin import TEST_CLIENT_ID, TEST_REDIRECT_URI, sign_in
from tests.fakes.spotify_state import FakeApp, RecordedRequest

pytest_plugins = ["tests.fakes.conftest_spotify"]
pytestmark = pytest.mark.integration
VERIFIER = "w" * 64


def _token(server: FakeSpotify, scopes: str = " ".join(SCOPES)) -> str:
    code = sign_in(server, verifier=VERIFIER, scopes=scopes)["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": TEST_REDIRECT_URI,
        "client_id": TEST_CLIENT_ID,
        "code_verifier": VERIFIER,
    }
    return str(httpx.post(server.token_url, data=form).json()["access_token"])


def _spotipy(server: FakeSpotify, token: str) -> spotipy.Spotify:
    client = spotipy.Spotify(auth=token, requests_session=requests.Session(), retries=0, status_retries=0)
    client.prefix = server.api_url
    return client


def test_a_deprecated_call_and_a_wrongly_shaped_body_are_contract_violations(fake_spotify, spotify_app: FakeApp):
    spotify_app.extended_access = True  # so the fake serves the deprecated call and only the contract objects
    client = _spotipy(fake_spotify, _token(fake_spotify))
    playlist = client.current_user_playlist_create("Wrong on purpose", public=False)
    tracks = list(fake_spotify.state.tracks)[:2]
    fake_spotify.state.requests.clear()
    client.current_user_unfollow_playlist(playlist["id"])  # DELETE /playlists/{id}/followers: deprecated
    try:
        client.playlist_add_items(playlist["id"], tracks)  # a bare JSON array where an object with uris is defined
    except spotipy.SpotifyException as refused:
        assert refused.http_status == 400
    problems = api_violations(load_definition(), fake_spotify.state.requests)
    assert any("unfollow-playlist is deprecated" in p for p in problems), problems
    assert any("/items: request: Invalid request body" in p for p in problems), problems


def test_a_fake_answer_of_the_wrong_shape_is_a_contract_violation():
    answer = {"id": "pl1", "name": "x", "public": "no", "items": {"href": "h", "total": 0}}
    recorded = RecordedRequest(
        "POST",
        "/v1/me/playlists",
        "",
        0.0,
        content_type="application/json",
        body=json.dumps({"name": "x", "public": False}).encode(),
        status=201,
        response_type="application/json",
        response_body=json.dumps(answer).encode(),
    )
    problems = api_violations(load_definition(), [recorded])
    assert any("answer 201" in p and "/public" in p for p in problems), problems
    unlisted = RecordedRequest("POST", "/v1/me/playlists", "", 0.0, status=503, response_body=b'{"oops": 1}')
    assert any("error envelope" in p for p in api_violations(load_definition(), [unlisted]))


def test_the_fake_refuses_a_deprecated_call_of_a_development_mode_app_with_403(fake_spotify, spotify_state):
    playlist = next(iter(spotify_state.playlists.values()))
    bearer = {"Authorization": f"Bearer {_token(fake_spotify)}"}
    with httpx.Client(base_url=fake_spotify.api_url, headers=bearer) as api:
        refused = api.delete(f"playlists/{playlist.id}/followers")
        removed = api.delete("me/library", params={"uris": f"spotify:playlist:{playlist.id}"})
    assert refused.status_code == 403
    assert set(refused.json()) == {"error"} and refused.json()["error"]["status"] == 403
    assert playlist.followed is False and removed.status_code == 200


def test_the_fake_refuses_a_missing_scope_with_403_and_a_malformed_body_with_400(fake_spotify):
    unscoped = _token(fake_spotify, scopes="user-top-read")
    with httpx.Client(base_url=fake_spotify.api_url, headers={"Authorization": f"Bearer {unscoped}"}) as api:
        no_scope = api.post("me/playlists", json={"name": "x"})
    full = _token(fake_spotify)
    with httpx.Client(base_url=fake_spotify.api_url, headers={"Authorization": f"Bearer {full}"}) as api:
        no_name = api.post("me/playlists", json={"public": False})
        wrong_type = api.post("me/playlists", json={"name": "x", "public": "no"})
        bad_uri_list = api.delete("me/library")
    assert (no_scope.status_code, no_scope.json()["error"]["message"]) == (403, "Insufficient client scope")
    assert no_name.status_code == wrong_type.status_code == 400
    assert no_name.json()["error"] == {"status": 400, "message": "Invalid request body"}
    assert bad_uri_list.json()["error"]["message"] == "Missing required parameter: uris"
