"""The fake api.spotify.com `/v1` outside playlists: me, top items, tracks, artists, search, audio features, and
the endpoints closed to new apps (answering 403/404 as docs/SPOTIFY_WEB_API_2026.md observed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from tests.fakes.spotify_access import SpotifyApiError, app_of, ids_param, page_params, require_grant
from tests.fakes.spotify_objects import artist_json, features_json, paging, track_json, user_json
from tests.fakes.spotify_state import TIME_RANGES, SpotifyState

SEARCH_TYPES = frozenset({"track", "artist", "album", "playlist"})


def create_api_router(state: SpotifyState) -> APIRouter:
    """Routes under /v1 (playlists excepted), bound to one state."""
    router = APIRouter(prefix="/v1")

    @router.get("/me")
    def me(request: Request) -> dict[str, Any]:
        grant = require_grant(state, request, user=True)
        return user_json(state.users[str(grant.user_id)], request)

    @router.get("/users/{user_id}")
    def user(user_id: str, request: Request) -> dict[str, Any]:
        require_grant(state, request)
        if user_id not in state.users:
            raise SpotifyApiError(404, "Resource not found")
        return user_json(state.users[user_id], request)

    @router.get("/me/top/{kind}")
    def top(kind: str, request: Request) -> dict[str, Any]:
        grant = require_grant(state, request, user=True, scope="user-top-read")
        if kind not in {"artists", "tracks"}:
            raise SpotifyApiError(404, "Service not found")
        time_range = request.query_params.get("time_range", "medium_term")
        if time_range not in TIME_RANGES:
            raise SpotifyApiError(400, "Invalid time range")
        limit, offset = page_params(request, default=20, maximum=50)
        user = state.users[str(grant.user_id)]
        lists = user.top_artists if kind == "artists" else user.top_tracks
        ids = lists.get(time_range) or next(iter(lists.values()), [])
        window = ids[offset : offset + limit]
        if kind == "artists":
            items = [artist_json(state.artists[i], request) for i in window]
        else:
            items = [track_json(state.tracks[i], state, request) for i in window]
        return paging(request, items, total=len(ids), limit=limit, offset=offset)

    @router.get("/tracks/{track_id}")
    def track(track_id: str, request: Request) -> dict[str, Any]:
        require_grant(state, request)
        if track_id not in state.tracks:
            raise SpotifyApiError(404, "Resource not found")
        return track_json(state.tracks[track_id], state, request)

    @router.get("/tracks")
    def tracks(request: Request) -> dict[str, Any]:
        grant = require_grant(state, request)
        if not app_of(state, grant).extended_access:
            raise SpotifyApiError(403, "Batch endpoints are not available in development mode")
        ids = ids_param(request, maximum=50)
        return {"tracks": [track_json(state.tracks[i], state, request) if i in state.tracks else None for i in ids]}

    @router.get("/artists/{artist_id}")
    def artist(artist_id: str, request: Request) -> dict[str, Any]:
        require_grant(state, request)
        if artist_id not in state.artists:
            raise SpotifyApiError(404, "Resource not found")
        return artist_json(state.artists[artist_id], request)

    @router.get("/artists")
    def artists(request: Request) -> dict[str, Any]:
        grant = require_grant(state, request)
        if not app_of(state, grant).extended_access:
            raise SpotifyApiError(403, "Batch endpoints are not available in development mode")
        ids = ids_param(request, maximum=50)
        return {"artists": [artist_json(state.artists[i], request) if i in state.artists else None for i in ids]}

    @router.get("/search")
    def search(request: Request) -> dict[str, Any]:
        require_grant(state, request)
        query = request.query_params.get("q", "").strip().lower()
        types = [t for t in request.query_params.get("type", "").split(",") if t]
        if not query:
            raise SpotifyApiError(400, "No search query")
        if not types or not set(types) <= SEARCH_TYPES:
            raise SpotifyApiError(400, "Bad search type field")
        limit, offset = page_params(request, default=5, maximum=10)
        result: dict[str, Any] = {}
        if "track" in types:
            hits = [
                t
                for t in state.tracks.values()
                if query in t.name.lower() or any(query in state.artists[a].name.lower() for a in t.artist_ids)
            ]
            items = [track_json(t, state, request) for t in hits[offset : offset + limit]]
            result["tracks"] = paging(request, items, total=len(hits), limit=limit, offset=offset)
        if "artist" in types:
            found = [a for a in state.artists.values() if query in a.name.lower()]
            items = [artist_json(a, request) for a in found[offset : offset + limit]]
            result["artists"] = paging(request, items, total=len(found), limit=limit, offset=offset)
        for kind in ("album", "playlist"):
            if kind in types:
                result[f"{kind}s"] = paging(request, [], total=0, limit=limit, offset=offset)
        return result

    def _features(request: Request) -> None:
        grant = require_grant(state, request)
        if not app_of(state, grant).extended_access:
            raise SpotifyApiError(403, "Forbidden")

    @router.get("/audio-features")
    @router.get("/audio-features/")
    def audio_features(request: Request) -> dict[str, Any]:
        _features(request)
        ids = ids_param(request, maximum=100)
        return {"audio_features": [features_json(state.tracks[i]) if i in state.tracks else None for i in ids]}

    @router.get("/audio-features/{track_id}")
    def audio_features_one(track_id: str, request: Request) -> dict[str, Any]:
        _features(request)
        found = state.tracks.get(track_id)
        body = features_json(found) if found else None
        if body is None:
            raise SpotifyApiError(404, "analysis not found")
        return body

    # Closed to new and development-mode apps since 2024-11-27 (observed answers in the 2026 notes).
    @router.get("/recommendations")
    @router.get("/recommendations/available-genre-seeds")
    def recommendations(request: Request) -> dict[str, Any]:
        require_grant(state, request)
        raise SpotifyApiError(404, "Service not found")

    @router.get("/audio-analysis/{track_id}")
    @router.get("/artists/{artist_id}/related-artists")
    @router.get("/browse/featured-playlists")
    @router.get("/browse/categories/{category_id}/playlists")
    def closed(request: Request) -> dict[str, Any]:
        grant = require_grant(state, request)
        if app_of(state, grant).extended_access:
            raise SpotifyApiError(501, "not modelled by the fake")
        raise SpotifyApiError(403, "Forbidden")

    return router
