"""Request and response bodies of the feedback API."""

from __future__ import annotations

from pydantic import BaseModel

from shared.features import AudioFeatures
from shared.rating import RatingIn, RatingOut

__all__ = ["RatingDetail", "RatingIn", "RatingList", "RatingOut"]


class RatingDetail(RatingOut):
    """A stored rating with everything it carries (for exports and inspection)."""

    session: str | None
    features: AudioFeatures
    model_version: str
    track_ids: list[str]


class RatingList(BaseModel):
    """The ratings of one playlist, oldest first."""

    ratings: list[RatingDetail]
