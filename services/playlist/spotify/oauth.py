"""Authorization Code with PKCE (S256) against Spotify's accounts host: the authorize URL, the code exchange and
the refresh. A public client: no secret is needed or sent (one is sent as HTTP Basic only when configured)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any, Final
from urllib.parse import urlencode

import httpx

from services.playlist.spotify.errors import (
    InvalidSignIn,
    SpotifyFailed,
    SpotifyRateLimited,
    SpotifySignInRequired,
    SpotifyTimeout,
    SpotifyUnavailable,
)

# What the product does with Spotify and no more: read top artists/tracks, make a playlist (private by default,
# public when asked), give it the photo as its cover.
SCOPES: Final = ("user-top-read", "playlist-modify-private", "playlist-modify-public", "ugc-image-upload")


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


class AccountsClient:
    """Async client of the accounts host's /api/token."""

    def __init__(
        self,
        *,
        accounts_url: str,
        client_id: str,
        client_secret: str | None,
        timeout_s: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self._client = httpx.AsyncClient(
            base_url=accounts_url.rstrip("/"), timeout=httpx.Timeout(timeout_s), transport=transport
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def exchange_code(self, *, code: str, verifier: str, redirect_uri: str) -> TokenGrant:
        """Trade the callback's code for tokens; a rejected code is InvalidSignIn (400)."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }
        status, body = await self._post(form)
        if status == 400:
            raise InvalidSignIn(
                f"Spotify rejected the sign-in code ({body.get('error', 'invalid_grant')}); sign in again"
            )
        return self._grant(status, body)

    async def refresh(self, refresh_token: str) -> TokenGrant:
        """New tokens from the refresh token; a rejected one means signing in again (401)."""
        status, body = await self._post({"grant_type": "refresh_token", "refresh_token": refresh_token})
        if status in (400, 401):
            raise SpotifySignInRequired("the Spotify sign-in has expired or was revoked; sign in again")
        return self._grant(status, body)

    async def _post(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        auth = (self.client_id, self._secret) if self._secret else None
        if auth is None:
            form = {**form, "client_id": self.client_id}
        try:
            response = await self._client.post("/api/token", data=form, auth=auth or httpx.USE_CLIENT_DEFAULT)
        except httpx.TimeoutException as exc:
            raise SpotifyTimeout("Spotify's accounts service did not answer in time") from exc
        except httpx.TransportError as exc:
            raise SpotifyUnavailable("Spotify's accounts service is unreachable", retry_after=5) from exc
        if response.status_code == 429:
            retry = response.headers.get("Retry-After", "")
            raise SpotifyRateLimited(
                "Spotify is rate limiting sign-ins", retry_after=int(retry) if retry.isdigit() else 5
            )
        if response.status_code >= 500:
            raise SpotifyUnavailable(f"Spotify's accounts service failed ({response.status_code})", retry_after=5)
        try:
            body = response.json()
        except ValueError:
            body = {}
        return response.status_code, body if isinstance(body, dict) else {}

    @staticmethod
    def _grant(status: int, body: dict[str, Any]) -> TokenGrant:
        if status != 200 or not isinstance(body.get("access_token"), str):
            raise SpotifyFailed(f"Spotify's token endpoint answered {status} without a token")
        return TokenGrant(body)
