"""What the gateway's routes take through typed `Depends`: the runtime, its parts, the session cookie, a playlist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from services.gateway.playlists import PlaylistNotFound
from services.gateway.runtime import GatewayRuntime
from services.gateway.schemas import StoredPlaylist
from services.gateway.service import GatewayService
from services.gateway.sessions import (
    SessionNotFound,
    bearer_token,
    sends_bearer,
    session_key,
    valid_session_token,
)
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
    """The live session of a native app's `Authorization: Bearer` header or the browser's cookie, renewed.

    A bearer token that is not a live session (never issued, expired, revoked, mangled) is a 401 SessionNotFound:
    a native app must learn it lost its session, not get a new one as a cookie it ignores. A cookie that is not a
    live session is None: the browser is a guest and a route that keeps something starts a new session."""
    authorization = request.headers.get("authorization")
    if sends_bearer(authorization):
        token = bearer_token(authorization)
        if token is None or not await service.live_session(token):
            raise SessionNotFound("the bearer token is no live session (expired or revoked): POST /v1/sessions")
        return token
    token = valid_session_token(request.cookies.get(settings.cookie_name))
    return token if token is not None and await service.live_session(token) else None


SessionToken = Annotated[str | None, Depends(get_session_token)]


@dataclass(frozen=True)
class KnownSession:
    """The request's live session (None: a guest) and whether it came as a bearer token, for the routes that hand
    a session out: a bearer session is never answered with a cookie."""

    token: str | None
    by_bearer: bool


async def get_known_session(request: Request, token: SessionToken) -> KnownSession:
    """The session and how it was sent."""
    return KnownSession(token, by_bearer=sends_bearer(request.headers.get("authorization")))


Known = Annotated[KnownSession, Depends(get_known_session)]


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
