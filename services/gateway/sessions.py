"""Server-side sessions: the playlists a browser made, kept with a TTL by a SessionStore (adapters/: Redis or
this process).

The browser holds only an opaque random token in an HttpOnly cookie; stores key on a hash of it, so a leaked
store dump (or a log line) never reveals a usable cookie. A native app holds the same kind of token and sends it as
`Authorization: Bearer` (issued by POST /v1/sessions, revoked by DELETE /v1/sessions/current: api/sessions.py).

A token is a session only while the store holds it as issued (`open`, renewed on each use, ended by `revoke`):
a token a client made up, one that was revoked and one unused for GATEWAY_SESSION_TTL_S are refused alike, so a
revoked token can never come back to life and nobody can choose another person's session id.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Protocol

from services.gateway.adapters.in_process import InProcessSessionStore
from services.gateway.schemas import StoredPlaylist
from shared.errors import Unauthorized

# InProcessSessionStore is named here too for the tests that import it from this module.
__all__ = [
    "InProcessSessionStore",
    "SessionNotFound",
    "SessionStore",
    "bearer_token",
    "new_session_token",
    "sends_bearer",
    "session_key",
    "valid_session_token",
]
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


class SessionNotFound(Unauthorized):
    """No live session on this request (none sent, a token we never issued, expired or revoked)."""


def new_session_token() -> str:
    """A fresh unguessable session token for the cookie."""
    return secrets.token_urlsafe(32)


def sends_bearer(authorization: str | None) -> bool:
    """True when an `Authorization` header names the Bearer scheme (valid or not: then it must be valid)."""
    return (authorization or "").partition(" ")[0].lower() == "bearer"


def bearer_token(authorization: str | None) -> str | None:
    """The session token of an `Authorization: Bearer <token>` header, if it has the shape of one we issue."""
    value = (authorization or "").partition(" ")[2]
    return valid_session_token(value.strip()) if sends_bearer(authorization) else None


def valid_session_token(value: str | None) -> str | None:
    """The token if it has the shape of one we issue, else None (whether it was issued is the store's to say)."""
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

    async def open(self, *, session: str, ttl_s: int) -> None:
        """Hold the session as issued, for ttl_s seconds unless it is renewed."""
        ...

    async def renew(self, *, session: str, ttl_s: int) -> bool:
        """Keep an issued session for ttl_s more seconds; False when it was never issued, expired or was revoked."""
        ...

    async def revoke(self, *, session: str) -> None:
        """End the session: its token is refused from now on."""
        ...

    async def ping(self) -> bool:
        """True when the store answers."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...
