"""Request and response bodies of the feedback API (the contract models live in shared/rating.py)."""

from __future__ import annotations

from shared.rating import DeletedRatings, RatingDetail, RatingIn, RatingList, RatingOut

__all__ = ["DeletedRatings", "RatingDetail", "RatingIn", "RatingList", "RatingOut"]
