"""Authorization Code with PKCE (S256) against Spotify's accounts host: the verifier, the challenge, the authorize
URL, and the token endpoint behind `SpotifyAccounts` (adapters/accounts.py does the code exchange and the refresh
over httpx). A public client: no secret is needed or sent (one is sent as HTTP Basic only when configured)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any, Final, Protocol
from urllib.parse import urlencode

# Exactly the union of the scopes Spotify's published definition lists under `security` for the operations the
# product calls (tests/contract/test_spotify_contract.py checks both ways): GET /me (user-read-private,
# user-read-email: the definition lists both, though in Development Mode /me carries neither country nor email and
# we read only the id and display name), GET /me/top/{artists,tracks} (user-top-read), POST /me/playlists and POST
# /playlists/{id}/items (playlist-modify-public, playlist-modify-private), PUT /playlists/{id}/images
# (ugc-image-upload + both), DELETE /me/library with a playlist URI (user-library-modify, user-follow-modify,
# playlist-modify-public).
SCOPES: Final = (
    "user-read-private",
    "user-read-email",
    "user-top-read",
    "playlist-modify-private",
    "playlist-modify-public",
    "ugc-image-upload",
    "user-library-modify",
    "user-follow-modify",
)


def new_verifier() -> str:
    """A PKCE code verifier: 64 url-safe characters (RFC 7636 allows 43-128)."""
    return secrets.token_urlsafe(48)


def s256_challenge(verifier: str) -> str:
    """The S256 challenge: base64url(SHA-256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_state() -> str:
    """An unguessable `state` for one sign-in."""
    return secrets.token_urlsafe(32)


def authorize_url(*, accounts_url: str, client_id: str, redirect_uri: str, state: str, verifier: str) -> str:
    """Where to send the browser to sign in."""
    query = {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "code_challenge_method": "S256",
        "code_challenge": s256_challenge(verifier),
        "state": state,
        "scope": " ".join(SCOPES),
    }
    return f"{accounts_url.rstrip('/')}/authorize?{urlencode(query)}"


class TokenGrant(dict[str, Any]):
    """/api/token's JSON answer (access_token, expires_in, refresh_token when rotated, scope)."""

    @property
    def expires_at(self) -> float:
        return time.time() + float(self.get("expires_in", 3600))


class SpotifyAccounts(Protocol):
    """The accounts host's token endpoint: what a sign-in and a refresh need."""

    async def exchange_code(self, *, code: str, verifier: str, redirect_uri: str) -> TokenGrant:
        """Trade the callback's code for tokens; a rejected code is InvalidSignIn (400)."""
        ...

    async def refresh(self, refresh_token: str) -> TokenGrant:
        """New tokens from the refresh token; a rejected one is SpotifySignInRequired (401)."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
