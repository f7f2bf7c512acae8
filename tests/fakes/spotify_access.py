"""Bearer-token checks, paging parameters and Spotify-shaped errors shared by the fake's API routes."""

from __future__ import annotations

import time

from fastapi import Request

from tests.fakes.spotify_state import FakeApp, Grant, SpotifyState


class SpotifyApiError(Exception):
    """Raised by a route; rendered as Spotify's {"error": {"status", "message"}}."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def require_grant(state: SpotifyState, request: Request, *, user: bool = False, scope: str | None = None) -> Grant:
    """The caller's grant; 401 for a missing/unknown/expired token, 403 for a missing user or scope."""
    grant = grant_of(state, request.headers.get("authorization", ""))
    if user and grant.user_id is None:
        raise SpotifyApiError(403, "This endpoint needs a user token (authorization code), not client credentials")
    if scope is not None and scope not in grant.scopes:
        raise SpotifyApiError(403, "Insufficient client scope")
    return grant


def grant_of(state: SpotifyState, header: str) -> Grant:
    """The grant of an `Authorization: Bearer` header; 401 for a missing, unknown or expired token."""
    if not header.startswith("Bearer "):
        raise SpotifyApiError(401, "No token provided")
    with state.lock:
        grant = state.tokens.get(header[len("Bearer ") :])
    if grant is None:
        raise SpotifyApiError(401, "Invalid access token")
    if grant.expires_at <= time.time():
        raise SpotifyApiError(401, "The access token expired")
    return grant


def app_of(state: SpotifyState, grant: Grant) -> FakeApp:
    return state.apps[grant.client_id]


def page_params(request: Request, *, default: int, maximum: int) -> tuple[int, int]:
    """(limit, offset) from the query; 400 "Invalid limit" / "Invalid offset" like Spotify."""
    try:
        limit = int(request.query_params.get("limit", default))
    except ValueError:
        raise SpotifyApiError(400, "Invalid limit") from None
    try:
        offset = int(request.query_params.get("offset", 0))
    except ValueError:
        raise SpotifyApiError(400, "Invalid offset") from None
    if not 1 <= limit <= maximum:
        raise SpotifyApiError(400, "Invalid limit")
    if offset < 0:
        raise SpotifyApiError(400, "Invalid offset")
    return limit, offset


def ids_param(request: Request, *, maximum: int) -> list[str]:
    ids = [i for i in request.query_params.get("ids", "").split(",") if i]
    if not ids:
        raise SpotifyApiError(400, "Missing required parameter: ids")
    if len(ids) > maximum:
        raise SpotifyApiError(400, "Too many ids requested")
    return ids
