"""Bearer sessions for native apps, which cannot juggle a cookie: the same session, sent as `Authorization: Bearer`.

POST /v1/sessions issues a new session and answers its token (never the token of a cookie the caller holds: page
scripts must not be able to read an HttpOnly session out through the API). DELETE /v1/sessions/current revokes the
session it is called with (bearer or cookie): its Spotify tokens are deleted and the token is refused from then on.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from services.gateway.api.cookies import clear_session_cookie
from services.gateway.api.dependencies import GatewaySettings, Service, SessionToken
from services.gateway.sessions import SessionNotFound
from shared.web.errors import error_responses

router = APIRouter(prefix="/v1", tags=["sessions"])


class BearerSession(BaseModel):
    """A session for a native app: send `Authorization: Bearer <token>` on every call."""

    token: str = Field(description="The session token (keep it secret, like a password).")
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(
        description="Seconds the session lives unused: every call with it renews it (its playlists are kept"
        " GATEWAY_PLAYLIST_TTL_S after they are made)."
    )


@router.post(
    "/sessions",
    status_code=201,
    response_model=BearerSession,
    summary="A new session for a native app, used as `Authorization: Bearer <token>`",
)
async def new_bearer_session(settings: GatewaySettings, service: Service) -> BearerSession:
    return BearerSession(token=await service.new_session(), expires_in=settings.session_ttl_s)


@router.delete(
    "/sessions/current",
    status_code=204,
    summary="Revoke this session (bearer or cookie): signed out of Spotify, the token refused from now on",
    responses=error_responses(401, 502, 503, 504),
)
async def revoke_session(token: SessionToken, service: Service, settings: GatewaySettings) -> Response:
    if token is None:
        raise SessionNotFound("no session to revoke: send `Authorization: Bearer <token>` or the session cookie")
    await service.revoke_session(token)
    response = Response(status_code=204)
    clear_session_cookie(response, settings)
    return response
