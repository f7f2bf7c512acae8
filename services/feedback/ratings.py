"""Ratings: what a person thought of a playlist, and the store interface every adapter satisfies.

Idempotency: a rating that names a `session` is keyed on (playlist_id, session), so a person who rates the same
playlist twice (a double click, a retry, a change of mind from like to dislike) leaves one rating, the latest. A
rating without a session is a new rating every time (batch imports, other callers).
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from shared.features import AudioFeatures

log = logging.getLogger("pressedplay.feedback")
# Fixed namespace so the same (playlist, session) pair maps to the same rating id in every process and store.
_RATING_NAMESPACE = uuid.UUID("5b0f2f4e-5a55-4f0b-9c1f-0d6c6f0e7a11")


class Rating(BaseModel):
    """One stored rating."""

    id: str
    playlist_id: str = Field(min_length=1, max_length=128)
    session: str | None = Field(default=None, max_length=128)
    rating: Literal[1, -1]
    features: AudioFeatures
    model_version: str = Field(max_length=128)
    track_ids: list[str] = Field(default_factory=list, max_length=100)
    created_at: datetime


class RatingStore(Protocol):
    """Where ratings live (SQLite on a laptop, DynamoDB in deployment)."""

    async def put(self, rating: Rating) -> bool:
        """Insert or replace the rating with this id; True when it was new."""
        ...

    async def for_playlist(self, playlist_id: str) -> list[Rating]:
        """Every rating of one playlist, oldest first."""
        ...

    async def ping(self) -> bool:
        """True when the store answers."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


def rating_id(*, playlist_id: str, session: str | None) -> str:
    """The rating's id: stable for (playlist_id, session), random without a session."""
    if session is None:
        return uuid.uuid4().hex
    return uuid.uuid5(_RATING_NAMESPACE, f"{playlist_id}\x1f{session}").hex


def new_rating(
    *,
    playlist_id: str,
    rating: Literal[1, -1],
    features: AudioFeatures,
    model_version: str,
    track_ids: list[str],
    session: str | None = None,
    now: datetime | None = None,
) -> Rating:
    """Build the rating to store, with its id and timestamp."""
    return Rating(
        id=rating_id(playlist_id=playlist_id, session=session),
        playlist_id=playlist_id,
        session=session,
        rating=rating,
        features=features,
        model_version=model_version,
        track_ids=track_ids,
        created_at=now or datetime.now(UTC),
    )


async def record_rating(*, store: RatingStore, rating: Rating) -> bool:
    """Store the rating; True when it is new, False when it replaced the same session's earlier rating."""
    created = await store.put(rating)
    log.info(
        "rating.recorded",
        extra={"rating_id": rating.id, "playlist_id": rating.playlist_id, "rating": rating.rating, "new": created},
    )
    return created
