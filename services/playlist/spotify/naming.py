"""The generated playlist's name and description on Spotify: the photo's mood, the date, what it was made from."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from services.playlist.explain import mood_words
from shared.features import AUDIO_FEATURES, AudioFeatures

APP_NAME = "PRESSED / PLAY"


def playlist_name(*, features: AudioFeatures, mood: str | None = None) -> str:
    """'Bright and upbeat · PRESSED / PLAY': the mood the caller names, else the one the features read as."""
    words = mood or mood_words(np.array([getattr(features, name) for name in AUDIO_FEATURES], dtype=np.float32))
    return f"{words[:1].upper()}{words[1:]} · {APP_NAME}"[:100]


def playlist_description(*, genres: list[str], mode: str, when: datetime | None = None) -> str:
    """What the playlist was made from, and when (Spotify shows it under the name)."""
    day = (when or datetime.now(UTC)).strftime("%Y-%m-%d")
    drawn = ", ".join(genres) if genres else "any genre"
    return f"Made by {APP_NAME} on {day} from a photo: {drawn}, {mode} mode."[:300]
