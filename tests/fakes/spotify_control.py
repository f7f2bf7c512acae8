"""`/_fake/...`: how a test in another process (or a person trying the dev server) steers and inspects the fake.

    GET  /_fake/requests?path_prefix=/v1/&method=GET   the recorded requests (method, path, query)
    POST /_fake/faults        {"status": 429, "times": 1, "retry_after": 2, "path_prefix": "/v1/"}
    GET  /_fake/playlists     every playlist: owner, name, description, public, followed, track ids, cover size
    GET  /_fake/playlists/{id}/cover.jpg                    the cover as uploaded
    GET  /_fake/tokens        every access and refresh token issued so far (to search logs and stores for them)
    POST /_fake/expire-tokens | /_fake/revoke-refresh-tokens | /_fake/deny-next-authorization
    POST /_fake/gone-tracks   {"ids": [...]}  tracks Spotify no longer has; DELETE /_fake/gone-tracks: all back
    POST /_fake/sign-in-as    {"user": "newcomer"}  who /authorize signs in

Served on loopback only, like the rest of the fake; no part of the real API.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import Response

from tests.fakes.spotify_access import SpotifyApiError
from tests.fakes.spotify_state import SpotifyState


def create_control_router(state: SpotifyState) -> APIRouter:
    """The /_fake routes over one state."""
    router = APIRouter(prefix="/_fake")

    @router.get("/requests")
    def requests(request: Request) -> list[dict[str, Any]]:
        prefix = request.query_params.get("path_prefix", "/v1/")
        method = request.query_params.get("method")
        return [{"method": r.method, "path": r.path, "query": r.query} for r in state.calls(prefix, method=method)]

    @router.post("/faults", status_code=204)
    def faults(body: dict[str, Any] = Body(...)) -> Response:  # noqa: B008 - FastAPI's way to take a JSON body
        state.inject(
            int(body["status"]),
            times=int(body.get("times", 1)),
            retry_after=body.get("retry_after"),
            path_prefix=str(body.get("path_prefix", "/v1/")),
            delay_s=float(body.get("delay_s", 0.0)),
        )
        return Response(status_code=204)

    @router.get("/playlists")
    def playlists() -> list[dict[str, Any]]:
        with state.lock:
            return [
                {
                    "id": p.id,
                    "owner": p.owner_id,
                    "name": p.name,
                    "description": p.description,
                    "public": p.public,
                    "followed": p.followed,
                    "track_ids": list(p.track_ids),
                    "cover_bytes": len(p.image_jpeg) if p.image_jpeg else 0,
                    "cover_sha256": hashlib.sha256(p.image_jpeg).hexdigest() if p.image_jpeg else None,
                }
                for p in state.playlists.values()
            ]

    @router.get("/playlists/{playlist_id}/cover.jpg")
    def cover(playlist_id: str) -> Response:
        playlist = state.playlists.get(playlist_id)
        if playlist is None or playlist.image_jpeg is None:
            raise SpotifyApiError(404, "no cover")
        return Response(playlist.image_jpeg, media_type="image/jpeg")

    @router.get("/tokens")
    def tokens() -> list[str]:
        with state.lock:
            return list(state.issued_tokens)

    @router.post("/expire-tokens", status_code=204)
    def expire() -> Response:
        state.expire_all_tokens()
        return Response(status_code=204)

    @router.post("/revoke-refresh-tokens", status_code=204)
    def revoke() -> Response:
        state.revoke_refresh_tokens()
        return Response(status_code=204)

    @router.post("/deny-next-authorization", status_code=204)
    def deny() -> Response:
        with state.lock:
            state.deny_next_authorization = True
        return Response(status_code=204)

    @router.post("/gone-tracks", status_code=204)
    def gone(body: dict[str, Any] = Body(...)) -> Response:  # noqa: B008
        with state.lock:
            state.gone_tracks.update(str(i) for i in body.get("ids", []))
        return Response(status_code=204)

    @router.delete("/gone-tracks", status_code=204)
    def back() -> Response:  # a test that marked tracks gone puts them back: the dev server is shared
        with state.lock:
            state.gone_tracks.clear()
        return Response(status_code=204)

    @router.post("/sign-in-as", status_code=204)
    def sign_in_as(body: dict[str, Any] = Body(...)) -> Response:  # noqa: B008
        user = str(body.get("user", ""))
        if user not in state.users:
            raise SpotifyApiError(404, f"no user {user!r}")
        with state.lock:
            state.signed_in_user = user
        return Response(status_code=204)

    return router
