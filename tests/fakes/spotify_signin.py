"""The test client registered by the fixtures, and a stand-in for the browser's part of the OAuth dance."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from services.playlist.spotify.oauth import SCOPES
from tests.fakes.spotify import FakeSpotify
from tests.fakes.spotify_accounts import s256

TEST_CLIENT_ID = "test-client"
TEST_CLIENT_SECRET = "test-secret"
TEST_REDIRECT_URI = "http://127.0.0.1:8888/callback"


def sign_in(
    server: FakeSpotify,
    *,
    verifier: str,
    scopes: str = " ".join(SCOPES),
    client_id: str = TEST_CLIENT_ID,
    redirect_uri: str = TEST_REDIRECT_URI,
    state: str = "xyz",
) -> dict[str, list[str]]:
    """Play the browser: GET /authorize with a PKCE challenge of `verifier`; the redirect's query (code, state)."""
    params = {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "code_challenge_method": "S256",
        "code_challenge": s256(verifier),
        "state": state,
        "scope": scopes,
    }
    response = httpx.get(f"{server.accounts_url}/authorize", params=params, follow_redirects=False)
    assert response.status_code in (302, 303), response.text
    return parse_qs(urlsplit(response.headers["location"]).query)
