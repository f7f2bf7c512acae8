"""The feedback service's contract: a rating in, the stored rating out. Defined once here because the gateway
sends one and parses the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.features import FEATURES_EXAMPLE, AudioFeatures


class RatingIn(BaseModel):
    """A person's verdict on one playlist, with what the playlist was made from."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "playlist_id": "b3f1c2d4e5f6a7b8",
                    "rating": 1,
                    "features": FEATURES_EXAMPLE,
                    "model_version": "effnet-vae-20261125",
                    "track_ids": ["4uLU6hMCjMI75M1A2tKUQC"],
                    "session": "9f86d081884c7d65",
                }
            ]
        },
    )

    playlist_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._-]+$")
    rating: Literal[1, -1] = Field(description="1 = liked, -1 = disliked.")
    features: AudioFeatures
    model_version: str = Field(min_length=1, max_length=128)
    track_ids: list[str] = Field(default_factory=list, max_length=100)
    session: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="An opaque, non-secret session key: a second rating from it replaces the first.",
    )


class RatingOut(BaseModel):
    """What was stored."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0f8e2a7c9d6b4e3f8a1b2c3d4e5f6a7b",
                    "playlist_id": "b3f1c2d4e5f6a7b8",
                    "rating": 1,
                    "created_at": "2026-11-25T15:30:00Z",
                }
            ]
        }
    )

    id: str
    playlist_id: str
    rating: Literal[1, -1]
    created_at: datetime
