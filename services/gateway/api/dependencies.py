"""What the gateway's routes take through typed `Depends`: the runtime, its parts, the session cookie, a playlist."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.gateway.playlists import PlaylistNotFound
from services.gateway.runtime import GatewayRuntime
from services.gateway.schemas import StoredPlaylist
from services.gateway.service import GatewayService
from services.gateway.sessions import bearer_token, session_key, valid_session_token
from services.gateway.settings import Settings
from shared.web.service import runtime_dependency

Runtime = Annotated[GatewayRuntime, Depends(runtime_dependency(GatewayRuntime))]


def get_settings(runtime: Runtime) -> Settings:
    """The gateway's settings."""
    return runtime.settings


def get_service(runtime: Runtime) -> GatewayService:
    """The use cases every route calls (services/gateway/service.py)."""
    return runtime.service


GatewaySettings = Annotated[Settings, Depends(get_settings)]
Service = Annotated[GatewayService, Depends(get_service)]


async def get_session_token(request: Request, settings: GatewaySettings, service: Service) -> str | None:
    """The session token of a native app's `Authorization: Bearer` header or the browser's cookie, or None (none
    sent, not one we issue, or revoked)."""
    token = bearer_token(request.headers.get("authorization")) or valid_session_token(
        request.cookies.get(settings.cookie_name)
    )
    if token is None or await service.sessions.is_revoked(session=session_key(token)):
        return None
    return token


SessionToken = Annotated[str | None, Depends(get_session_token)]


async def find_playlist(playlist_id: str, token: SessionToken, service: Service) -> tuple[StoredPlaylist, str]:
    """The playlist this session made, and the session's token; PlaylistNotFound otherwise."""
    missing = PlaylistNotFound(f"no playlist {playlist_id[:64]!r} in this session (it may have expired)")
    if token is None:
        raise missing
    found = await service.sessions.get_playlist(session=session_key(token), playlist_id=playlist_id)
    if found is None:
        raise missing
    return found, token


OwnedPlaylist = Annotated[tuple[StoredPlaylist, str], Depends(find_playlist)]
