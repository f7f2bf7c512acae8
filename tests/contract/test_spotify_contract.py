"""Every request the product sends to Spotify, and every answer the fake gives it, against Spotify's published
OpenAPI definition (version 2026.5.31, tests/contract/spotify-web-api-openapi.yml), checked with openapi-core.

The playlist service runs in-process against the fake Spotify over real HTTP and goes through everything it does
with Spotify: sign in (code + PKCE, then GET /me), the genre profile (top artists, then top tracks when the artists
carry no genres), a playlist with a gone track (a refused batch is halved), its cover, the next playlist (the
previous one leaves the library), a refreshed token, and a publish Spotify fails half-way (the half-made playlist is
removed). A new call, a changed body or a fake answer that breaks the definition fails here.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from PIL import Image

from services.playlist.app import create_app
from services.playlist.spotify.oauth import SCOPES
from tests.contract.spotify_contract import accounts_violations, api_violations, requested_scopes
from tests.fakes.spotify import FakeSpotify
from tests.fakes.spotify_definition import load_definition
from tests.fakes.spotify_state import RecordedRequest, SpotifyState
from tests.unit.test_playlist_api import FEATURES, mapper, settings, small_catalog

pytestmark = pytest.mark.integration
CLIENT_ID = "pp-contract"
REDIRECT = "http://127.0.0.1:8000/v1/auth/callback"
TRACKS = [f"{i:022d}" for i in range(60)]  # the small catalog's ids
# Every operation the product calls, with its status in the definition. A new one must be added here on purpose.
OPERATIONS_USED = {
    "GET /me": "current",
    "GET /me/top/artists": "current",
    "GET /me/top/tracks": "current",
    "POST /me/playlists": "current",
    "POST /playlists/{playlist_id}/items": "current",
    "PUT /playlists/{playlist_id}/images": "current",
    "DELETE /me/library": "current",
}


def world() -> SpotifyState:
    state = SpotifyState()
    state.add_app(client_id=CLIENT_ID, client_secret="unused", redirect_uris=[REDIRECT])
    user = state.add_user("listener", display_name="Listener")
    bare = state.add_artist("No Genres Given")  # 2026: artists often carry none, so top tracks are read too
    user.top_artists = {"medium_term": [bare.id]}
    user.top_tracks = {"medium_term": [state.add_track("Track 3", artist_ids=[bare.id], track_id=TRACKS[3]).id]}
    state.describe_unknown_track = lambda track_id: (f"Track {track_id}", "Someone")
    return state


@pytest.fixture(scope="module")
def recorded() -> Iterator[list[RecordedRequest]]:
    """What the fake saw while the product did everything it does with Spotify."""
    with FakeSpotify(world()) as spotify:
        config = settings(
            spotify_client_id=CLIENT_ID,
            spotify_accounts_url=spotify.accounts_url,
            spotify_api_url=spotify.api_url,
            spotify_timeout_s=2.0,
            token_key=Fernet.generate_key().decode(),
        )
        with TestClient(create_app(config, catalog=small_catalog(), mapper=mapper())) as app:
            _use_everything(app, spotify)
        yield list(spotify.state.requests)


def _use_everything(app: TestClient, spotify: FakeSpotify) -> None:
    account = _sign_in(app)
    headers = {"X-Account-Key": account}
    assert app.get("/v1/spotify/genres", params={"refresh": "true"}, headers=headers).status_code == 200
    spotify.state.gone_tracks.add(TRACKS[1])
    first = _publish(app, headers, TRACKS[:6], n=4)
    assert first["skipped"] == 1
    cover = app.put(
        f"/v1/spotify/playlists/{first['id']}/cover",
        headers={**headers, "Content-Type": "image/jpeg"},
        content=_photo(),
    )
    assert cover.status_code == 204, cover.text
    spotify.state.expire_all_tokens()  # the next call refreshes at the accounts host
    second = _publish(app, headers, TRACKS[10:14], n=3)
    assert second["unfollowed"] == [first["id"]]
    spotify.state.inject(503, times=3, path_prefix="/v1/playlists/")  # items refused: the playlist is removed again
    failed = app.post("/v1/spotify/playlists", headers=headers, json=_body(TRACKS[20:23], n=3))
    assert failed.status_code == 503
    assert app.post("/v1/spotify/sign-out", headers=headers, json={}).status_code == 204


def _sign_in(app: TestClient) -> str:
    old, new = "a" * 32, "b" * 32
    url = app.post("/v1/spotify/sign-in", headers={"X-Account-Key": old}, json={}).json()["authorize_url"]
    redirect = httpx.get(url, follow_redirects=False)
    query = {k: v[0] for k, v in parse_qs(urlsplit(redirect.headers["location"]).query).items()}
    answer = app.post("/v1/spotify/callback", headers={"X-Account-Key": old}, json={"new_account": new, **query})
    assert answer.status_code == 200, answer.text
    return new


def _body(candidates: list[str], n: int) -> dict[str, object]:
    return {"features": FEATURES, "genres": ["hip-hop"], "mode": "match", "candidates": candidates, "n": n}


def _publish(app: TestClient, headers: dict[str, str], candidates: list[str], n: int) -> dict:
    answer = app.post("/v1/spotify/playlists", headers=headers, json=_body(candidates, n))
    assert answer.status_code == 201, answer.text
    return answer.json()


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((900, 600), 60).convert("RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _used(recorded: list[RecordedRequest]) -> set[str]:
    definition = load_definition()
    found = (definition.operation(r.method, r.path) for r in recorded if r.path.startswith("/v1/"))
    return {op.name for op in found if op is not None}


def test_every_request_and_every_fake_answer_conforms_to_spotifys_definition(recorded):
    assert len([r for r in recorded if r.path.startswith("/v1/")]) >= 15
    assert api_violations(load_definition(), recorded) == []
    assert accounts_violations(load_definition(), recorded) == []


def test_the_product_uses_exactly_the_listed_operations_none_deprecated(recorded):
    definition = load_definition()
    assert _used(recorded) == set(OPERATIONS_USED)
    status = {op.name: "deprecated" if op.deprecated else "current" for op in definition.operations}
    assert {name: status[name] for name in OPERATIONS_USED} == OPERATIONS_USED
    # The refused batch, the 503s and the removal of the half-made playlist were all exercised.
    assert {r.status for r in recorded if r.path.endswith("/items")} >= {201, 400, 503}
    assert [r for r in recorded if r.method == "DELETE" and r.path == "/v1/me/library"]


def test_the_scopes_asked_for_are_exactly_those_the_used_operations_need(recorded):
    definition = load_definition()
    needed: set[str] = set()
    for op in definition.operations:
        if op.name in _used(recorded):
            needed |= op.scopes
    assert requested_scopes(recorded) == needed == set(SCOPES)
