"""The generated playlist's name and description on Spotify: the photo's mood, the date, what it was made from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from services.playlist.recommend.explain import mood_words, title
from shared.features import AUDIO_FEATURES, AudioFeatures

APP_NAME = "PRESSED / PLAY"
MAX_DESCRIPTION = 300  # Spotify refuses a longer playlist description


def playlist_name(*, features: AudioFeatures, mood: str | None = None, mode: str = "match") -> str:
    """'Calm and wistful, brightened up · PRESSED / PLAY': the mood the caller names, else the page's title for the
    features the photo read as and the mode (explain.title)."""
    if mood:
        words = mood[:1].upper() + mood[1:]
    else:
        words = title(np.array([getattr(features, name) for name in AUDIO_FEATURES], dtype=np.float32), mode)
    return f"{words} · {APP_NAME}"[:100]


def playlist_description(
    *, genres: list[str], mode: str, when: datetime | None = None, photos: Sequence[AudioFeatures] = ()
) -> str:
    """What the playlist was made from, and when (Spotify shows it under the name); for an album, each photo's mood
    in playing order. Spotify takes 300 characters: an album's moods are cut to fit, whole words, with an ellipsis,
    and left out when the genres take all the room; the genres come through as far as 300 characters allow."""
    day = (when or datetime.now(UTC)).strftime("%Y-%m-%d")
    drawn = f"{', '.join(genres) if genres else 'any genre'}, {mode} mode."
    if len(photos) < 2:
        return f"Made by {APP_NAME} on {day} from a photo: {drawn}"[:MAX_DESCRIPTION]
    moods = " → ".join(mood_words(photo.to_vector()) for photo in photos)
    head = f"Made by {APP_NAME} on {day} from {len(photos)} photos: "
    moods = _whole_words(moods, room=MAX_DESCRIPTION - len(head) - len(drawn) - len("; "))
    if not moods:  # long genre text leaves no room for a single mood
        return f"{head}{drawn}"[:MAX_DESCRIPTION]
    return f"{head}{moods}; {drawn}"


def _whole_words(text: str, *, room: int) -> str:
    """text when it fits in `room` characters, else as many whole words as fit with "…"; "" when none does."""
    if len(text) <= room:
        return text
    if room < 2:
        return ""
    kept = text[: room - 1]
    if text[room - 1] != " ":  # the cut fell inside a word: that word goes
        kept = kept.rsplit(" ", 1)[0] if " " in kept else ""
    kept = kept.rstrip(" →")
    return f"{kept}…" if kept else ""
