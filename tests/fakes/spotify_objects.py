"""JSON shapes of the fake Spotify's objects, with the 2026 removals (no popularity, markets, followers ...)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from tests.fakes.spotify_state import FakeArtist, FakePlaylist, FakeTrack, FakeUser, SpotifyState


def api_error(status: int, message: str) -> dict[str, Any]:
    """Spotify's error body: {"error": {"status", "message"}}."""
    return {"error": {"status": status, "message": message}}


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def artist_json(artist: FakeArtist, request: Request, *, with_genres: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": artist.id,
        "name": artist.name,
        "type": "artist",
        "uri": f"spotify:artist:{artist.id}",
        "href": f"{base_url(request)}/v1/artists/{artist.id}",
        "external_urls": {"spotify": f"https://open.spotify.com/artist/{artist.id}"},
    }
    if with_genres:
        body["genres"] = list(artist.genres)
        body["images"] = []
    return body


def track_json(track: FakeTrack, state: SpotifyState, request: Request) -> dict[str, Any]:
    artists = [
        artist_json(state.artists[a], request, with_genres=False) for a in track.artist_ids if a in state.artists
    ]
    return {
        "id": track.id,
        "name": track.name,
        "type": "track",
        "uri": f"spotify:track:{track.id}",
        "href": f"{base_url(request)}/v1/tracks/{track.id}",
        "external_urls": {"spotify": f"https://open.spotify.com/track/{track.id}"},
        "duration_ms": track.duration_ms,
        "explicit": False,
        "is_local": False,
        "artists": artists,
        "album": album_json(track, artists, request),
    }


def album_json(track: FakeTrack, artists: list[dict[str, Any]], request: Request) -> dict[str, Any]:
    """The simplified album of a track, with every field the definition requires (markets empty, as in 2026)."""
    album_id = f"al{track.id[2:]}"
    return {
        "id": album_id,
        "name": track.album,
        "type": "album",
        "album_type": "album",
        "total_tracks": 1,
        "available_markets": [],
        "release_date": track.release_date,
        "release_date_precision": "day",
        "uri": f"spotify:album:{album_id}",
        "href": f"{base_url(request)}/v1/albums/{album_id}",
        "external_urls": {"spotify": f"https://open.spotify.com/album/{album_id}"},
        "images": [],
        "artists": artists,
    }


def features_json(track: FakeTrack) -> dict[str, Any] | None:
    if track.features is None:
        return None
    return {"id": track.id, "uri": f"spotify:track:{track.id}", "type": "audio_features", **track.features}


def user_json(user: FakeUser, request: Request) -> dict[str, Any]:
    # 2026 development mode: no country, email, product or followers.
    return {
        "id": user.id,
        "display_name": user.display_name,
        "type": "user",
        "uri": f"spotify:user:{user.id}",
        "href": f"{base_url(request)}/v1/users/{user.id}",
        "external_urls": {"spotify": f"https://open.spotify.com/user/{user.id}"},
        "images": [],
    }


def playlist_images(playlist: FakePlaylist, request: Request) -> list[dict[str, Any]]:
    if playlist.image_jpeg is None:
        return []
    url = f"{base_url(request)}/images/{playlist.id}-{playlist.snapshot}.jpg"
    return [{"url": url, "height": None, "width": None}]


def playlist_json(
    playlist: FakePlaylist, state: SpotifyState, request: Request, *, items: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A playlist object; `items` is the paged item list (the full object) or None (simplified: href + total)."""
    owner = state.users.get(playlist.owner_id)
    href = f"{base_url(request)}/v1/playlists/{playlist.id}"
    return {
        "id": playlist.id,
        "name": playlist.name,
        "description": playlist.description,
        "public": playlist.public,
        "collaborative": False,
        "type": "playlist",
        "uri": f"spotify:playlist:{playlist.id}",
        "href": href,
        "snapshot_id": f"snap{playlist.snapshot}",
        "owner": user_json(owner, request) if owner else {"id": playlist.owner_id},
        "images": playlist_images(playlist, request),
        "items": items if items is not None else {"href": f"{href}/items", "total": len(playlist.track_ids)},
    }


def paging(request: Request, items: list[Any], *, total: int, limit: int, offset: int) -> dict[str, Any]:
    """Spotify's paging object with absolute next/previous URLs (clients follow them verbatim)."""
    url = request.url.remove_query_params(["offset", "limit"])

    def page(at: int) -> str:
        return str(url.include_query_params(offset=at, limit=limit))

    return {
        "href": page(offset),
        "items": items,
        "limit": limit,
        "offset": offset,
        "total": total,
        "next": page(offset + limit) if offset + limit < total else None,
        "previous": page(max(0, offset - limit)) if offset > 0 else None,
    }


def empty_items_page(playlist: FakePlaylist, request: Request, *, limit: int = 100) -> dict[str, Any]:
    """The item page of a playlist just created: nothing in it yet."""
    href = f"{base_url(request)}/v1/playlists/{playlist.id}/items?offset=0&limit={limit}"
    return {"href": href, "items": [], "limit": limit, "offset": 0, "total": 0, "next": None, "previous": None}
