"""The playlist flow: photo -> inference -> playlist service -> a stored playlist; then feedback and exports."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from typing import Final

from pydantic import ValidationError

from services.gateway.clients import Upstreams
from services.gateway.schemas import FeedbackOut, Mode, StoredPlaylist, Track
from shared.errors import InvalidInput, NotFound, UpstreamError

MAX_GENRES: Final = 10
log = logging.getLogger("pressedplay.gateway")
EXPORT_MEDIA_TYPES: Final = {"json": "application/json", "m3u8": "audio/x-mpegurl", "csv": "text/csv"}


class PlaylistNotFound(NotFound):
    """No playlist with this id in this session (never made, expired, or another browser's)."""


def new_playlist_id() -> str:
    """A short unguessable playlist id (URL-safe)."""
    return secrets.token_urlsafe(9)


def parse_genres(raw: str | None) -> list[str]:
    """Comma-separated genre names -> a de-duplicated list (at most MAX_GENRES); mapping is the playlist's job."""
    names = [part.strip().lower() for part in (raw or "").split(",")]
    genres = list(dict.fromkeys(name for name in names if name))
    if len(genres) > MAX_GENRES:
        raise InvalidInput(f"at most {MAX_GENRES} genres may be given; got {len(genres)}")
    return genres


async def create_playlist(
    *, upstreams: Upstreams, image: bytes, content_type: str, genres: list[str], n: int, mode: Mode
) -> StoredPlaylist:
    """Predict the photo's features, ask for n tracks near them within the genres, and build the playlist.

    Genre names (seed or Spotify micro-genres) are resolved first, so a typo is a 422 UnknownGenre from the
    playlist service, listing the valid ones, before the model spends time on the photo.
    """
    seeds = await upstreams.resolve_genres(genres) if genres else []
    prediction = await upstreams.predict(image=image, content_type=content_type)
    request = {"features": prediction.features.model_dump(), "genres": seeds or None, "n": n, "mode": mode}
    recommendation, raw = await upstreams.recommend(request)
    try:
        tracks = [Track.model_validate(t) for t in recommendation.tracks]
    except ValidationError as exc:
        raise UpstreamError(f"playlist answered with a malformed track: {str(exc)[:300]}") from exc
    used = recommendation.genres
    used_genres = list(used) if isinstance(used, dict | list) else genres
    playlist = StoredPlaylist(
        id=new_playlist_id(),
        created_at=datetime.now(UTC),
        features=prediction.features,
        mood=prediction.mood,
        genre_look=prediction.genre_look,
        model_version=prediction.model_version,
        genres=used_genres,
        mode=recommendation.mode or mode,
        tracks=tracks,
        warnings=recommendation.warnings,
        attention=prediction.attention,
        recommendation=raw,
    )
    log.info(
        "playlist.created",
        extra={"playlist_id": playlist.id, "n": len(tracks), "genres": used_genres, "mode": playlist.mode},
    )
    return playlist


async def rate_playlist(
    *, upstreams: Upstreams, playlist: StoredPlaylist, rating: int, session: str
) -> tuple[FeedbackOut, bool]:
    """Send the rating, with what the playlist was made from, to the feedback service; (rating, was it new)."""
    body = {
        "playlist_id": playlist.id,
        "rating": rating,
        "features": playlist.features.model_dump(),
        "model_version": playlist.model_version,
        "track_ids": [track.id for track in playlist.tracks],
        "session": session,
    }
    answer, created = await upstreams.rate(body)
    try:
        return FeedbackOut.model_validate(answer), created
    except ValidationError as exc:
        raise UpstreamError(f"feedback answered with an unexpected body: {str(exc)[:300]}") from exc


async def export_playlist(*, upstreams: Upstreams, playlist: StoredPlaylist, fmt: str) -> tuple[bytes, str]:
    """The playlist as a file (json, m3u8 or csv), rendered by the playlist service; returns (body, media type)."""
    if fmt not in EXPORT_MEDIA_TYPES:
        raise PlaylistNotFound(f"no export format {fmt!r}; use one of {', '.join(EXPORT_MEDIA_TYPES)}")
    response = await upstreams.export(recommendation=playlist.recommendation, fmt=fmt)
    media_type = response.headers.get("content-type", EXPORT_MEDIA_TYPES[fmt]).split(";")[0].strip()
    return response.content, media_type or EXPORT_MEDIA_TYPES[fmt]
