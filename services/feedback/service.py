"""The feedback service's service layer: one method per use case, the only thing a route calls (testable without
HTTP: build it over a Recorder with a fake store, or take a started FeedbackRuntime's `service`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Final

from services.feedback.export import export_parquet_bytes
from services.feedback.metrics import FeedbackMetrics
from services.feedback.ratings import Rating, new_rating
from services.feedback.recorder import Recorder
from services.feedback.transfer import move_session_ratings
from shared.errors import InvalidInput, StoreUnavailable
from shared.rating import RatingIn, RatingOut

# What each outcome answers: a new rating, a replaced one or a retry, one queued while the store is down.
STATUS: Final = {"created": 201, "replaced": 200, "unchanged": 200, "queued": 202}


def rating_from(body: RatingIn, *, idempotency_key: str | None) -> Rating:
    """The rating to keep for a request: its id, rater and timestamp derived (ratings.new_rating)."""
    return new_rating(
        playlist_id=body.playlist_id,
        rating=body.rating,
        features=body.features,
        model_version=body.model_version,
        track_ids=body.track_ids,
        track_photos=body.track_photos,
        session=body.session,
        user=body.user,
        mood=body.mood,
        genre_look=body.genre_look,
        genres=body.genres,
        mode=body.mode,
        photo=body.photo,
        idempotency_key=idempotency_key,
        now=body.rated_at,
    )


class RatingService:
    """The use cases of the feedback API over the open write path (store, outbox, photos)."""

    def __init__(
        self, *, recorder: Recorder, metrics: FeedbackMetrics, wake: Callable[[], None], export_page_size: int
    ) -> None:
        self.recorder = recorder
        self.metrics = metrics
        self._wake = wake  # the outbox's delivery task: try now, a rating was just queued
        self._export_page_size = export_page_size

    async def record_rating(
        self, body: RatingIn, *, idempotency_key: str | None, deadline: float | None
    ) -> tuple[RatingOut, int]:
        """Keep a rating (the store, or the outbox while the store is down): (the answer, 201 / 200 / 202)."""
        rating = rating_from(body, idempotency_key=idempotency_key)
        outcome = await self.recorder.record(rating, deadline=deadline)
        self.metrics.outcomes.labels(outcome).inc()
        if outcome == "queued":
            self._wake()
        # A retry gets the original's answer: what is stored (unless the store stalls now; it is stored either way).
        with contextlib.suppress(StoreUnavailable):
            stored = await self.recorder.store.get(rating.playlist_id, rating.id) if outcome == "unchanged" else None
            if stored is not None:
                return RatingOut.model_validate(stored.model_dump()), STATUS[outcome]
        return RatingOut.model_validate({**rating.model_dump(), "queued": outcome == "queued"}), STATUS[outcome]

    async def ratings_of(self, *, playlist_id: str | None, raters: list[str] | None) -> list[Rating]:
        """The ratings of one playlist or of up to four raters (photos included), oldest first."""
        if (playlist_id is None) == (not raters):
            raise InvalidInput("give either playlist_id or rater")
        if playlist_id is not None:
            return [await self.recorder.with_photo(r) for r in await self.recorder.store.for_playlist(playlist_id)]
        return await self.recorder.for_raters(list(dict.fromkeys(raters or [])))

    async def delete_ratings_of(self, raters: list[str]) -> int:
        """Delete every rating of these raters (each once) with its photo, also those still in the outbox."""
        return await self.recorder.delete_raters(list(dict.fromkeys(raters)))

    async def transfer_ratings(self, *, session: str, user: str) -> int:
        """Move a guest session's ratings to the Spotify account signed in from it; how many moved."""
        recorder = self.recorder
        return await move_session_ratings(
            recorder.store, recorder.photos, session=session, user=user, outbox=recorder.outbox
        )

    async def export_ratings(self, *, delete: bool) -> tuple[bytes, int]:
        """Every rating as one Parquet file and how many it holds (then deleted, exactly those, when asked)."""
        recorder, page_size = self.recorder, self._export_page_size
        return await export_parquet_bytes(recorder.store, recorder.photos, page_size=page_size, delete=delete)
