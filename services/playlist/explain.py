"""The short plain-language "why" of a recommended track: its two most telling traits and its genre."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from shared.features import AUDIO_FEATURES

_IDX: Final = {name: i for i, name in enumerate(AUDIO_FEATURES)}

# (feature, direction, threshold, word, span). A trait applies past its threshold; its strength is how far past,
# relative to `span`, so "very acoustic" beats "a bit loud". Thresholds follow Spotify's own descriptions
# (speechiness above 0.33 is rap/spoken; liveness above 0.8 is likely live).
TRAITS: Final[tuple[tuple[str, int, float, str, float], ...]] = (
    ("valence", +1, 0.65, "bright", 0.35),
    ("valence", -1, 0.35, "dark", 0.35),
    ("energy", +1, 0.75, "high-energy", 0.25),
    ("energy", -1, 0.45, "mellow", 0.45),
    ("danceability", +1, 0.75, "danceable", 0.25),
    ("acousticness", +1, 0.6, "acoustic", 0.4),
    ("instrumentalness", +1, 0.5, "instrumental", 0.5),
    ("speechiness", +1, 0.33, "wordy", 0.5),
    ("liveness", +1, 0.8, "live", 0.2),
    ("loudness", +1, -4.0, "loud", 4.0),
    ("loudness", -1, -14.0, "quiet", 20.0),
)
MAX_TRAITS: Final = 2


def traits(raw: np.ndarray) -> list[str]:
    """Up to MAX_TRAITS words for a raw feature vector, strongest chosen, listed in TRAITS order."""
    scored: list[tuple[float, int, str]] = []
    for order, (feature, direction, threshold, word, span) in enumerate(TRAITS):
        excess = (float(raw[_IDX[feature]]) - threshold) * direction
        if excess >= 0:
            scored.append((excess / span, order, word))
    strongest = sorted(scored, key=lambda item: (-item[0], item[1]))[:MAX_TRAITS]
    return [word for _, _, word in sorted(strongest, key=lambda item: item[1])]


def why(raw: np.ndarray, *, genres: Sequence[str], requested: Sequence[str] = ()) -> str:
    """E.g. "bright, high-energy, hip-hop": traits, then the requested genre it matched (else its own first)."""
    words = traits(raw) or ["balanced"]
    matched = [g for g in requested if g in genres]
    genre = matched[0] if matched else (genres[0] if genres else "")
    return ", ".join([*words, genre] if genre else words)
