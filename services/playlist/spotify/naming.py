"""The generated playlist's name and description on Spotify: the photo's mood, the date, what it was made from."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from services.playlist.recommend.explain import title
from shared.features import AUDIO_FEATURES, AudioFeatures

APP_NAME = "PRESSED / PLAY"


def playlist_name(*, features: AudioFeatures, mood: str | None = None, mode: str = "match") -> str:
    """'Calm and wistful, brightened up · PRESSED / PLAY': the mood the caller names, else the page's title for the
    features the photo read as and the mode (explain.title)."""
    if mood:
        words = mood[:1].upper() + mood[1:]
    else:
        words = title(np.array([getattr(features, name) for name in AUDIO_FEATURES], dtype=np.float32), mode)
    return f"{words} · {APP_NAME}"[:100]


def playlist_description(*, genres: list[str], mode: str, when: datetime | None = None) -> str:
    """What the playlist was made from, and when (Spotify shows it under the name)."""
    day = (when or datetime.now(UTC)).strftime("%Y-%m-%d")
    drawn = ", ".join(genres) if genres else "any genre"
    return f"Made by {APP_NAME} on {day} from a photo: {drawn}, {mode} mode."[:300]
