"""The playlist flow: photo -> inference -> playlist service -> a stored playlist; then feedback and exports."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Final, Literal, TypeVar

from services.gateway.adapters.upstreams import Upstreams
from services.gateway.photos import reencode_photo
from services.gateway.schemas import FeedbackOut, PlaylistPhoto, StoredPlaylist, Track, UpstreamPrediction
from shared.errors import InvalidInput, NotFound
from shared.genres import SEED_GENRE_SET
from shared.rating import RatingIn
from shared.recommendation import ExportFormat, Mode, Recommendation, RecommendationRequest, RecommendedTrack
from shared.server_timing import ServerTiming

MAX_GENRES: Final = 10
A = TypeVar("A")
B = TypeVar("B")
log = logging.getLogger("pressedplay.gateway")


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
    *,
    upstreams: Upstreams,
    image: bytes,
    content_type: str,
    genres: dict[str, float],
    n: int,
    mode: Mode,
    spotify_user: str | None = None,
    timing: ServerTiming | None = None,
    filename: str | None = None,
) -> StoredPlaylist:
    """Predict the photo's features, ask for n tracks near them within the genres (names -> weights: each gets its
    share of the list), and build the playlist.

    Steps that do not need each other run at once, so the request waits for the slower, not their sum: the genre
    names (seed or Spotify micro-genres) resolve while the photo is predicted, and the copy of the photo a rating
    keeps is made while the tracks are chosen. The genre answer decides first: a typo is a 422 UnknownGenre listing
    the valid names whatever happens to the photo or to inference, and it cancels the prediction. The copy is made
    only of a photo inference accepted (its format and pixel limits, before any decode here).
    """
    timing = timing if timing is not None else ServerTiming()

    async def predict() -> UpstreamPrediction:
        with timing.span("predict"):
            return await upstreams.predict(image=image, content_type=content_type, timing=timing)

    async def recommend(request: RecommendationRequest) -> Recommendation:
        with timing.span("recommend"):
            return await upstreams.recommend(request)

    async def keep_photo() -> bytes | None:
        with timing.span("photo"):  # what a rating of this playlist will keep
            return await asyncio.to_thread(reencode_photo, image)

    weights, prediction = await both_at_once(resolve_weights(upstreams, genres, timing), predict())
    request = RecommendationRequest(features=prediction.features, genres=weights or None, n=n, mode=mode)
    recommendation, photo = await both_at_once(recommend(request), keep_photo())
    return stored_playlist(
        prediction, request, recommendation, photo=photo, spotify_user=spotify_user, filename=filename
    )


async def resolve_weights(upstreams: Upstreams, genres: dict[str, float], timing: ServerTiming) -> dict[str, float]:
    """Genre names -> seed genre weights: seed genres as given, any other names resolved by the playlist service
    (their seed genres in equal shares; 422 UnknownGenre for a name that maps to none)."""
    if all(name in SEED_GENRE_SET for name in genres):
        return genres  # seed genres resolve to themselves (the playlist service's rule): no hop needed
    with timing.span("genres"):  # names the person typed: their seed genres, equal shares
        return dict.fromkeys(await upstreams.resolve_genres(list(genres)), 1.0)


def stored_playlist(
    prediction: UpstreamPrediction,
    request: RecommendationRequest,
    recommendation: Recommendation,
    *,
    photo: bytes | None,
    spotify_user: str | None,
    filename: str | None = None,
) -> StoredPlaylist:
    """A new playlist from what inference read in the photo and the tracks the playlist service chose (as an album
    of one: `photos` holds the photo, every track names it)."""
    recommendation = numbered_as_sent(recommendation, [0])
    playlist = StoredPlaylist(
        id=new_playlist_id(),
        created_at=datetime.now(UTC),
        features=prediction.features,
        mood=prediction.mood,
        genre_look=prediction.genre_look,
        model_version=prediction.model_version,
        genres=recommendation.genres,
        mode=recommendation.mode,
        tracks=public_tracks(recommendation),
        warnings=recommendation.warnings,
        photos=[
            PlaylistPhoto(
                index=0,
                filename=filename,
                features=prediction.features,
                mood=prediction.mood,
                genre_look=prediction.genre_look,
            )
        ],
        attention=prediction.attention,
        recommendation=recommendation,
        request=request,
        photo=photo,
        spotify_user=spotify_user,
    )
    log.info(
        "playlist.created",
        extra={"playlist_id": playlist.id, "n": len(playlist.tracks), "genres": playlist.genres, "mode": playlist.mode},
    )
    return playlist


async def both_at_once(first: Awaitable[A], second: Awaitable[B]) -> tuple[A, B]:
    """Run two steps at once and return both results. The first's outcome is taken first, so its error wins even
    when the second failed sooner (the wait is the first's own, bounded by its timeout); a failure of the first
    cancels the second (a thread already running finishes on its own, its result dropped). Errors are raised as they
    are, never wrapped in an ExceptionGroup."""
    a, b = asyncio.ensure_future(first), asyncio.ensure_future(second)
    try:
        return await a, await b
    except BaseException:
        for task in (a, b):
            task.cancel()
        await asyncio.gather(a, b, return_exceptions=True)  # collected, so no "exception never retrieved"
        raise


def numbered_as_sent(recommendation: Recommendation, sent_index: list[int]) -> Recommendation:
    """Each track's and spare's `photo` as the photo's index as sent (`sent_index`, in playing order): the playlist
    service numbers an album's photos in playing order and leaves a single photo's tracks unnumbered."""

    def as_sent(track: RecommendedTrack) -> RecommendedTrack:
        return track.model_copy(update={"photo": sent_index[track.photo if track.photo is not None else 0]})

    return recommendation.model_copy(
        update={
            "tracks": [as_sent(track) for track in recommendation.tracks],
            "spares": [as_sent(track) for track in recommendation.spares],
        }
    )


def public_tracks(recommendation: Recommendation) -> list[Track]:
    """The public view of the recommended tracks."""
    return [Track.model_validate(track.model_dump()) for track in recommendation.tracks]


async def rate_playlist(
    *,
    upstreams: Upstreams,
    playlist: StoredPlaylist,
    rating: Literal[1, -1],
    session: str,
    idempotency_key: str | None = None,
) -> tuple[FeedbackOut, int]:
    """Send the rating, with what the playlist was made from (features, mood, genre look, model version, genres,
    mode, tracks, the photo), to the feedback service; (rating, status: 201 new, 200 replaced, 202 queued)."""
    body = RatingIn(
        playlist_id=playlist.id,
        rating=rating,
        features=playlist.features,
        mood=playlist.mood,
        genre_look=playlist.genre_look,
        model_version=playlist.model_version,
        genres=playlist.genres,
        mode=playlist.mode,
        track_ids=[track.id for track in playlist.tracks],
        # An album's tracks name their photos; one photo's rating stays as it was.
        track_photos=[track.photo or 0 for track in playlist.tracks] if len(playlist.photos) > 1 else [],
        session=session,
        user=playlist.spotify_user,
        photo=playlist.photo,
        rated_at=datetime.now(UTC),
    )
    return await upstreams.rate(body, idempotency_key=idempotency_key)


def raters(*, session: str | None, spotify_user: str | None) -> list[str]:
    """The rater keys a person's ratings are stored under: this browser's session, and the Spotify account."""
    keys = [f"session:{session}"] if session else []
    return keys + ([f"spotify:{spotify_user}"] if spotify_user else [])


async def export_playlist(*, upstreams: Upstreams, playlist: StoredPlaylist, fmt: ExportFormat) -> tuple[bytes, str]:
    """The playlist as a file (json, m3u8 or csv), rendered by the playlist service; returns (body, media type)."""
    # The spares are not in the playlist: sending them would only grow the body.
    return await upstreams.export(recommendation=playlist.recommendation.model_copy(update={"spares": []}), fmt=fmt)
