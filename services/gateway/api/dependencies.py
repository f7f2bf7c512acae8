"""What the gateway's routes take through typed `Depends`: the runtime, its parts, the session cookie, a playlist."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.gateway.adapters.upstreams import Upstreams
from services.gateway.playlists import PlaylistNotFound
from services.gateway.runtime import GatewayRuntime
from services.gateway.schemas import StoredPlaylist
from services.gateway.sessions import SessionStore, bearer_token, session_key, valid_session_token
from services.gateway.settings import Settings


def get_runtime(request: Request) -> GatewayRuntime:
    """The runtime create_app() made (started by the lifespan)."""
    runtime: GatewayRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[GatewayRuntime, Depends(get_runtime)]


def get_settings(runtime: Runtime) -> Settings:
    """The gateway's settings."""
    return runtime.settings


def get_sessions(runtime: Runtime) -> SessionStore:
    """The open session store."""
    return runtime.sessions


def get_upstreams(runtime: Runtime) -> Upstreams:
    """The open clients of the upstream services."""
    return runtime.upstreams


GatewaySettings = Annotated[Settings, Depends(get_settings)]
Sessions = Annotated[SessionStore, Depends(get_sessions)]
UpstreamClients = Annotated[Upstreams, Depends(get_upstreams)]


async def get_session_token(request: Request, settings: GatewaySettings, sessions: Sessions) -> str | None:
    """The session token of a native app's `Authorization: Bearer` header or the browser's cookie, or None (none
    sent, not one we issue, or revoked)."""
    token = bearer_token(request.headers.get("authorization")) or valid_session_token(
        request.cookies.get(settings.cookie_name)
    )
    if token is None or await sessions.is_revoked(session=session_key(token)):
        return None
    return token


SessionToken = Annotated[str | None, Depends(get_session_token)]


async def find_playlist(playlist_id: str, token: SessionToken, sessions: Sessions) -> tuple[StoredPlaylist, str]:
    """The playlist this session made, and the session's token; PlaylistNotFound otherwise."""
    missing = PlaylistNotFound(f"no playlist {playlist_id[:64]!r} in this session (it may have expired)")
    if token is None:
        raise missing
    found = await sessions.get_playlist(session=session_key(token), playlist_id=playlist_id)
    if found is None:
        raise missing
    return found, token


OwnedPlaylist = Annotated[tuple[StoredPlaylist, str], Depends(find_playlist)]
