"""The album flow: several photos -> inference for each -> one list from the playlist service -> a stored playlist.

The photos go to inference at once (at most PREDICT_AT_ONCE in flight), so its micro-batcher runs them through the
model together in batches, not one after another. A photo inference refuses (a 4xx: a file that only looked like an
image) is left out with a warning like those album_photos.py writes; a failure of inference itself (5xx, timeout)
fails the album, as it fails a single photo. The cover is a collage of the photos that made the list, in their
order (collage.py); the copy a rating keeps is that collage.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

import numpy as np

from services.gateway.adapters.upstreams import Upstreams
from services.gateway.album_photos import AlbumPhoto, NoReadablePhoto, photo_name
from services.gateway.collage import collage_jpeg
from services.gateway.playlists import (
    both_at_once,
    new_playlist_id,
    numbered_as_sent,
    public_tracks,
    resolve_weights,
)
from services.gateway.schemas import PlaylistPhoto, StoredPlaylist, UpstreamPrediction
from shared.errors import ServiceError
from shared.features import AudioFeatures
from shared.photo_reading import PhotoMood
from shared.recommendation import AlbumRequest, Mode, Recommendation
from shared.server_timing import ServerTiming

# Photos in flight to inference at once: enough to fill its batches (INFERENCE_MAX_BATCH, 8 by default), few enough
# that one album does not take every slot of a shared inference service.
PREDICT_AT_ONCE: Final = 8
log = logging.getLogger("pressedplay.gateway")


async def create_album(
    *,
    upstreams: Upstreams,
    photos: Sequence[AlbumPhoto],
    warnings: list[str],
    genres: dict[str, float],
    n: int,
    mode: Mode,
    spotify_user: str | None = None,
    timing: ServerTiming | None = None,
) -> StoredPlaylist:
    """One playlist that moves with the photos (given in playing order; `warnings` holds those already left out)."""
    timing = timing if timing is not None else ServerTiming()
    weights, readings = await asyncio.gather(
        resolve_weights(upstreams, genres, timing), _predict_all(upstreams, photos, warnings, timing)
    )
    if not readings:
        raise NoReadablePhoto("no photo of the album could be read: " + "; ".join(warnings))
    if n < len(readings):
        warnings.append(f"{len(readings)} tracks instead of {n}: every photo gets at least one")
        n = len(readings)
    request = AlbumRequest(
        photos=[prediction.features for _, prediction in readings], genres=weights or None, n=n, mode=mode
    )

    async def recommend() -> Recommendation:
        with timing.span("recommend"):
            return await upstreams.recommend_album(request)

    async def cover_of() -> bytes:
        with timing.span("photo"):  # the collage: Spotify's cover and what a rating keeps
            return await asyncio.to_thread(collage_jpeg, [photo.data for photo, _ in readings])

    # The collage is the gateway's CPU while the playlist service chooses the tracks.
    recommendation, cover = await both_at_once(recommend(), cover_of())
    return _stored_album(readings, request, recommendation, warnings, cover=cover, spotify_user=spotify_user)


async def _predict_all(
    upstreams: Upstreams, photos: Sequence[AlbumPhoto], warnings: list[str], timing: ServerTiming
) -> list[tuple[AlbumPhoto, UpstreamPrediction]]:
    gate = asyncio.Semaphore(PREDICT_AT_ONCE)

    async def predict(photo: AlbumPhoto) -> UpstreamPrediction | str:
        async with gate:
            try:
                return await upstreams.predict(image=photo.data, content_type=photo.content_type)
            except ServiceError as exc:
                if not 400 <= exc.status_code < 500 or exc.status_code == 429:
                    raise
                return str(exc)

    with timing.span("predict"):
        answers = await asyncio.gather(*(predict(photo) for photo in photos))
    readings = []
    for photo, answer in zip(photos, answers, strict=True):
        if isinstance(answer, str):
            warnings.append(f"{photo_name(photo.index, photo.filename)} was left out: {answer}")
        else:
            readings.append((photo, answer))
    return readings


def _stored_album(
    readings: list[tuple[AlbumPhoto, UpstreamPrediction]],
    request: AlbumRequest,
    recommendation: Recommendation,
    warnings: list[str],
    *,
    cover: bytes,
    spotify_user: str | None,
) -> StoredPlaylist:
    """The stored playlist: the photos' mean reading on top, each photo's own in `photos`; each track's `photo` is
    the photo's index as sent (the playlist service numbers them in playing order)."""
    recommendation = numbered_as_sent(recommendation, [photo.index for photo, _ in readings])
    predictions = [prediction for _, prediction in readings]
    playlist = StoredPlaylist(
        id=new_playlist_id(),
        created_at=datetime.now(UTC),
        features=AudioFeatures.from_vector(np.mean([p.features.to_vector() for p in predictions], axis=0)),
        mood=_mean_mood(predictions),
        genre_look=_mean_look(predictions),
        model_version=predictions[0].model_version,
        genres=recommendation.genres,
        mode=recommendation.mode,
        tracks=public_tracks(recommendation),
        warnings=[*warnings, *recommendation.warnings],
        photos=[_photo(photo, prediction) for photo, prediction in readings],
        recommendation=recommendation,
        request=request,
        photo=cover,
        spotify_user=spotify_user,
    )
    log.info(
        "album.created", extra={"playlist_id": playlist.id, "photos": len(readings), "n": len(recommendation.tracks)}
    )
    return playlist


def _photo(photo: AlbumPhoto, prediction: UpstreamPrediction) -> PlaylistPhoto:
    return PlaylistPhoto(
        index=photo.index,
        filename=photo.filename,
        features=prediction.features,
        mood=prediction.mood,
        genre_look=prediction.genre_look,
        taken_at=photo.taken_at,
    )


def _mean_mood(predictions: list[UpstreamPrediction]) -> PhotoMood | None:
    moods = [p.mood for p in predictions if p.mood is not None]
    if not moods:
        return None
    return PhotoMood(
        valence=float(np.mean([m.valence for m in moods])), arousal=float(np.mean([m.arousal for m in moods]))
    )


def _mean_look(predictions: list[UpstreamPrediction]) -> dict[str, float] | None:
    looks = [p.genre_look for p in predictions if p.genre_look]
    if not looks:
        return None
    genres = sorted({genre for look in looks for genre in look})
    mean = {genre: float(np.mean([look.get(genre, 0.0) for look in looks])) for genre in genres}
    total = sum(mean.values())
    return {genre: value / total for genre, value in mean.items()}
