"""The accounts host's /api/token over httpx: the code exchange and the refresh (a `SpotifyAccounts`)."""

from __future__ import annotations

from typing import Any

import httpx

from services.playlist.spotify.errors import (
    InvalidSignIn,
    SpotifyFailed,
    SpotifyRateLimited,
    SpotifySignInRequired,
    SpotifyTimeout,
    SpotifyUnavailable,
)
from services.playlist.spotify.oauth import TokenGrant


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
