"""Server-side sessions: the playlists a browser made, kept with a TTL by a SessionStore (adapters/: Redis or
this process).

The browser holds only an opaque random token in an HttpOnly cookie; stores key on a hash of it, so a leaked
store dump (or a log line) never reveals a usable cookie. A native app holds the same kind of token and sends it as
`Authorization: Bearer` (issued by POST /v1/sessions, revoked by DELETE /v1/sessions/current: sessions_api.py).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Protocol

from services.gateway.adapters.in_process import InProcessSessionStore
from services.gateway.schemas import StoredPlaylist

# InProcessSessionStore is named here too for the tests that import it from this module.
__all__ = [
    "InProcessSessionStore",
    "SessionStore",
    "bearer_token",
    "new_session_token",
    "session_key",
    "valid_session_token",
]
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def new_session_token() -> str:
    """A fresh unguessable session token for the cookie."""
    return secrets.token_urlsafe(32)


def bearer_token(authorization: str | None) -> str | None:
    """The session token of an `Authorization: Bearer <token>` header, if it looks like one we issue."""
    scheme, _, value = (authorization or "").partition(" ")
    return valid_session_token(value.strip()) if scheme.lower() == "bearer" else None


def valid_session_token(value: str | None) -> str | None:
    """The token if it looks like one we issue, else None (a forged or mangled cookie starts a new session)."""
    return value if value is not None and _TOKEN.match(value) else None


def session_key(token: str) -> str:
    """The non-secret key a session is stored and rated under: a hash of the token."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


class SessionStore(Protocol):
    """Where a session's playlists are kept."""

    async def put_playlist(self, *, session: str, playlist: StoredPlaylist, ttl_s: int) -> None:
        """Keep the playlist for ttl_s seconds under the session key."""
        ...

    async def get_playlist(self, *, session: str, playlist_id: str) -> StoredPlaylist | None:
        """The session's playlist, or None when unknown, expired or made by another session."""
        ...

    async def playlists(self, *, session: str) -> list[StoredPlaylist]:
        """Every playlist the session still has (to carry them into a signed-in session)."""
        ...

    async def revoke(self, *, session: str, ttl_s: int) -> None:
        """Refuse this session's token from now on (for ttl_s seconds: as long as the token could live)."""
        ...

    async def is_revoked(self, *, session: str) -> bool:
        """True when the session's token was revoked."""
        ...

    async def ping(self) -> bool:
        """True when the store answers."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
