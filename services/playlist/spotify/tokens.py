"""A signed-in user's Spotify tokens, encrypted at rest, and the short-lived state of a sign-in in progress.

Tokens are Fernet-encrypted before they reach the store (a Redis dump or a stray MONITOR shows ciphertext only) and
are never logged or returned by any route. A sign-in's PKCE verifier is kept under a hash of its `state`, bound to
the browser session that started it, for a few minutes, and taken out on first use so a callback cannot be replayed.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Final

from cryptography.fernet import Fernet, InvalidToken
from pydantic import BaseModel, ValidationError

from services.playlist.spotify.store import KeyValueStore

log = logging.getLogger("pressedplay.playlist.spotify")
PREFIX: Final = "pp:spotify"


class SpotifyTokens(BaseModel):
    """What a sign-in leaves behind for one browser session."""

    access_token: str
    refresh_token: str
    expires_at: float  # unix time
    scope: str = ""
    user_id: str
    display_name: str | None = None

    def expires_within(self, seconds: float) -> bool:
        """True when the access token is expired or will be within `seconds`."""
        return self.expires_at - time.time() < seconds


class PendingSignIn(BaseModel):
    """A sign-in between /authorize and the callback."""

    account: str  # the browser session's account key that started it
    verifier: str
    redirect_uri: str


def new_fernet_key() -> str:
    """A fresh Fernet key (urlsafe base64 of 32 random bytes)."""
    return Fernet.generate_key().decode("ascii")


class TokenVault:
    """Encrypted tokens per account key, with a TTL (a session that is never used again is forgotten)."""

    def __init__(self, store: KeyValueStore, *, key: str, ttl_s: int) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self._fernet = Fernet(key.encode("ascii"))

    @staticmethod
    def _key(account: str) -> str:
        return f"{PREFIX}:tokens:{account}"

    async def put(self, account: str, tokens: SpotifyTokens) -> None:
        """Encrypt and keep the tokens."""
        sealed = self._fernet.encrypt(tokens.model_dump_json().encode())
        await self.store.set(self._key(account), sealed, ttl_s=self.ttl_s)

    async def get(self, account: str) -> SpotifyTokens | None:
        """The tokens, or None when absent or unreadable (a rotated key reads as signed out, never as a crash)."""
        sealed = await self.store.get(self._key(account))
        if sealed is None:
            return None
        try:
            return SpotifyTokens.model_validate_json(self._fernet.decrypt(sealed))
        except (InvalidToken, ValidationError):
            log.warning("spotify.tokens_unreadable", extra={"reason": "wrong key or corrupt entry"})
            await self.store.delete(self._key(account))
            return None

    async def delete(self, account: str) -> None:
        """Forget the tokens (sign-out)."""
        await self.store.delete(self._key(account))


class PendingSignIns:
    """state -> PendingSignIn, single use, for `ttl_s` seconds."""

    def __init__(self, store: KeyValueStore, *, ttl_s: int = 600) -> None:
        self.store = store
        self.ttl_s = ttl_s

    @staticmethod
    def _key(state: str) -> str:
        # The state travels through the browser and Spotify; the store sees only its hash.
        return f"{PREFIX}:sign-in:{hashlib.sha256(state.encode()).hexdigest()}"

    async def put(self, state: str, pending: PendingSignIn) -> None:
        """Remember a sign-in that has just been sent to /authorize."""
        await self.store.set(self._key(state), pending.model_dump_json().encode(), ttl_s=self.ttl_s)

    async def take(self, state: str) -> PendingSignIn | None:
        """The sign-in for this state, removed so it cannot be used twice; None when unknown or expired."""
        raw = await self.store.pop(self._key(state))
        return None if raw is None else PendingSignIn.model_validate_json(raw)
