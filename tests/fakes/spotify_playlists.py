"""The fake's playlist endpoints: list, read, create (POST /me/playlists), items (GET/POST/PUT/DELETE), cover, and
removing a playlist from the user's library (DELETE /me/library?uris=spotify:playlist:...).

The pre-2026 paths answer 403 like Spotify: POST /users/{id}/playlists and anything under /playlists/{id}/tracks.
Deprecated operations (DELETE /playlists/{id}/followers ...) are refused before these routes for an app without
extended access (spotify_refusals.py); their routes serve the apps that still have it.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tests.fakes.spotify_access import SpotifyApiError, app_of, page_params, require_grant
from tests.fakes.spotify_objects import empty_items_page, paging, playlist_images, playlist_json, track_json
from tests.fakes.spotify_state import FakePlaylist, Grant, SpotifyState

MAX_COVER_BYTES = 256 * 1024
MAX_LIBRARY_URIS = 40


def _track_id(uri: str) -> str:
    if not uri.startswith("spotify:track:"):
        raise SpotifyApiError(400, f"Invalid track uri: {uri}")
    return uri.rsplit(":", 1)[1]


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise SpotifyApiError(400, "Error parsing JSON.") from None


def create_playlists_router(state: SpotifyState) -> APIRouter:
    """Playlist routes under /v1, bound to one state."""
    router = APIRouter(prefix="/v1")

    def visible(playlist_id: str, grant: Grant) -> FakePlaylist:
        playlist = state.playlists.get(playlist_id)
        owner = state.users.get(playlist.owner_id) if playlist else None
        editorial_hidden = owner is not None and owner.editorial and not app_of(state, grant).extended_access
        if playlist is None or editorial_hidden:
            raise SpotifyApiError(404, "Resource not found")
        return playlist

    def owned(playlist_id: str, grant: Grant) -> FakePlaylist:
        playlist = visible(playlist_id, grant)
        if playlist.owner_id != grant.user_id:
            raise SpotifyApiError(403, "You cannot modify a playlist you do not own")
        return playlist

    def items_page(playlist: FakePlaylist, request: Request, limit: int, offset: int) -> dict[str, Any]:
        window = playlist.track_ids[offset : offset + limit]
        items = [
            {
                "added_at": "2026-01-01T00:00:00Z",
                "is_local": False,
                "track": track_json(state.tracks[t], state, request),
            }
            for t in window
            if t in state.tracks
        ]
        return paging(request, items, total=len(playlist.track_ids), limit=limit, offset=offset)

    @router.get("/users/{user_id}/playlists")
    def user_playlists(user_id: str, request: Request) -> dict[str, Any]:
        grant = require_grant(state, request)
        limit, offset = page_params(request, default=20, maximum=50)
        user = state.users.get(user_id)
        if user is None:
            raise SpotifyApiError(404, "Resource not found")
        hidden = user.editorial and not app_of(state, grant).extended_access
        mine = [] if hidden else [p for p in state.playlists.values() if p.owner_id == user_id and p.public]
        items = [playlist_json(p, state, request) for p in mine[offset : offset + limit]]
        return paging(request, items, total=len(mine), limit=limit, offset=offset)

    @router.get("/me/playlists")
    def my_playlists(request: Request) -> dict[str, Any]:
        grant = require_grant(state, request, user=True)
        limit, offset = page_params(request, default=20, maximum=50)
        mine = [p for p in state.playlists.values() if p.owner_id == grant.user_id and p.followed]
        items = [playlist_json(p, state, request) for p in mine[offset : offset + limit]]
        return paging(request, items, total=len(mine), limit=limit, offset=offset)

    @router.post("/users/{user_id}/playlists")
    def create_for_user_removed(user_id: str, request: Request) -> dict[str, Any]:
        require_grant(state, request)
        raise SpotifyApiError(403, "Forbidden: use POST /me/playlists")

    @router.post("/me/playlists", status_code=201)
    async def create_playlist(request: Request) -> dict[str, Any]:
        grant = require_grant(state, request, user=True)
        body = await _json_body(request)
        public = bool(body.get("public", True))
        needed = "playlist-modify-public" if public else "playlist-modify-private"
        if needed not in grant.scopes:
            raise SpotifyApiError(403, "Insufficient client scope")
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            raise SpotifyApiError(400, "Missing required field: name")
        playlist = state.add_playlist(str(grant.user_id), body["name"])
        playlist.description = str(body.get("description", ""))
        playlist.public = public
        return playlist_json(playlist, state, request, items=empty_items_page(playlist, request))

    @router.get("/playlists/{playlist_id}")
    def get_playlist(playlist_id: str, request: Request) -> dict[str, Any]:
        grant = require_grant(state, request)
        playlist = visible(playlist_id, grant)
        return playlist_json(playlist, state, request, items=items_page(playlist, request, 100, 0))

    @router.get("/playlists/{playlist_id}/items")
    def get_items(playlist_id: str, request: Request) -> dict[str, Any]:
        grant = require_grant(state, request)
        limit, offset = page_params(request, default=100, maximum=100)
        return items_page(visible(playlist_id, grant), request, limit, offset)

    @router.post("/playlists/{playlist_id}/items", status_code=201)
    async def add_items(playlist_id: str, request: Request) -> dict[str, Any]:
        grant = require_grant(state, request, user=True)
        body = await _json_body(request)
        uris = body if isinstance(body, list) else body.get("uris", [])
        with state.lock:
            playlist = owned(playlist_id, grant)
            new = [_track_id(u) for u in uris]
            if not new or len(new) > 100:
                raise SpotifyApiError(400, "You can add between 1 and 100 items per request")
            if any(state.existing_track(t) is None for t in new):
                raise SpotifyApiError(400, "Payload contains a non-existing ID")
            position = request.query_params.get("position", body.get("position") if isinstance(body, dict) else None)
            at = len(playlist.track_ids) if position is None else int(position)
            playlist.track_ids[at:at] = new
            playlist.snapshot += 1
            return {"snapshot_id": f"snap{playlist.snapshot}"}

    @router.put("/playlists/{playlist_id}/items")
    async def replace_items(playlist_id: str, request: Request) -> dict[str, Any]:
        grant = require_grant(state, request, user=True)
        body = await _json_body(request)
        with state.lock:
            playlist = owned(playlist_id, grant)
            if "uris" in body:
                playlist.track_ids = [_track_id(u) for u in body["uris"]]
            elif "range_start" in body and "insert_before" in body:
                start, length = int(body["range_start"]), int(body.get("range_length", 1))
                moved = playlist.track_ids[start : start + length]
                rest = playlist.track_ids[:start] + playlist.track_ids[start + length :]
                before = int(body["insert_before"])
                before -= length if before > start else 0
                playlist.track_ids = rest[:before] + moved + rest[before:]
            else:
                raise SpotifyApiError(400, "Either uris or range_start and insert_before are required")
            playlist.snapshot += 1
            return {"snapshot_id": f"snap{playlist.snapshot}"}

    @router.delete("/playlists/{playlist_id}/items")
    async def remove_items(playlist_id: str, request: Request) -> dict[str, Any]:
        grant = require_grant(state, request, user=True)
        body = await _json_body(request)
        entries = body.get("items", body.get("tracks", []))
        with state.lock:
            playlist = owned(playlist_id, grant)
            gone = {_track_id(entry["uri"]) for entry in entries}
            playlist.track_ids = [t for t in playlist.track_ids if t not in gone]
            playlist.snapshot += 1
            return {"snapshot_id": f"snap{playlist.snapshot}"}

    @router.api_route("/playlists/{playlist_id}/tracks", methods=["GET", "POST", "PUT", "DELETE"])
    def tracks_path_removed(playlist_id: str, request: Request) -> dict[str, Any]:
        require_grant(state, request)
        raise SpotifyApiError(403, "Forbidden: use /playlists/{id}/items")

    @router.delete("/playlists/{playlist_id}/followers")
    def unfollow(playlist_id: str, request: Request) -> Response:
        grant = require_grant(state, request, user=True)
        if not ({"playlist-modify-public", "playlist-modify-private"} & grant.scopes):
            raise SpotifyApiError(403, "Insufficient client scope")
        with state.lock:
            playlist = visible(playlist_id, grant)
            if playlist.owner_id == grant.user_id:
                playlist.followed = False
        return Response(status_code=200)

    @router.delete("/me/library")
    def remove_from_library(request: Request) -> Response:
        """Playlists leave the user's library (the 2026 way to delete one's own); other kinds are not modelled."""
        grant = require_grant(state, request, user=True)
        uris = [u for u in request.query_params.get("uris", "").split(",") if u]
        if not 1 <= len(uris) <= MAX_LIBRARY_URIS:
            raise SpotifyApiError(400, f"Between 1 and {MAX_LIBRARY_URIS} uris are needed")
        with state.lock:
            for uri in uris:
                kind, _, playlist_id = uri.removeprefix("spotify:").partition(":")
                if kind != "playlist" or not playlist_id:
                    raise SpotifyApiError(400, f"Unsupported uri: {uri}")
                playlist = state.playlists.get(playlist_id)
                if playlist is not None and playlist.owner_id == grant.user_id:
                    playlist.followed = False
        return Response(status_code=200)

    @router.get("/playlists/{playlist_id}/images")
    def get_images(playlist_id: str, request: Request) -> list[dict[str, Any]]:
        grant = require_grant(state, request)
        return playlist_images(visible(playlist_id, grant), request)

    @router.put("/playlists/{playlist_id}/images", status_code=202)
    async def upload_cover(playlist_id: str, request: Request) -> Response:
        grant = require_grant(state, request, user=True, scope="ugc-image-upload")
        raw = await request.body()
        if len(raw) > MAX_COVER_BYTES:
            raise SpotifyApiError(413, "Image too large: at most 256 KB of base64 JPEG")
        try:
            jpeg = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise SpotifyApiError(400, "Image must be base64 encoded") from None
        if not jpeg.startswith(b"\xff\xd8"):
            raise SpotifyApiError(400, "Image must be a JPEG")
        with state.lock:
            playlist = owned(playlist_id, grant)
            playlist.image_jpeg = jpeg
            playlist.snapshot += 1
        return Response(status_code=202)

    return router
