"""The short plain-language "why" of a recommended track: how its mood sits beside the photo's, a telling trait,
and its genre ("bright and upbeat like your photo, danceable, pop").

Mood is read from valence (how bright or dark) and energy (how calm or driving), the two features a photo's feeling
moves most; each is cut into three bands so the words stay few and stable. A track in the same band pair as the
target is "like your photo"; otherwise the larger gap is named ("calmer than your photo").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from shared.features import AUDIO_FEATURES

_IDX: Final = {name: i for i, name in enumerate(AUDIO_FEATURES)}

# Band edges on Spotify's 0-1 scale: below the first is low, above the second is high. Energy's are higher than
# valence's because the catalog's energy sits higher (median ~0.7 against ~0.5 for valence).
VALENCE_BANDS: Final = (0.35, 0.65)
ENERGY_BANDS: Final = (0.5, 0.75)
# MOOD_WORDS[valence band][energy band], bands 0 low, 1 middle, 2 high.
MOOD_WORDS: Final = (
    ("calm and wistful", "moody", "dark and intense"),
    ("calm and mellow", "easy-going", "driving"),
    ("warm and gentle", "bright and easy", "bright and upbeat"),
)
# Named when the track sits in another band than the target: (feature, word when higher, word when lower).
GAP_WORDS: Final = (("valence", "brighter", "darker"), ("energy", "livelier", "calmer"))

# (feature, direction, threshold, word, span) for the traits beside mood. A trait applies past its threshold; its
# strength is how far past, relative to `span`, so "very acoustic" beats "a bit loud". Thresholds follow Spotify's
# own descriptions (speechiness above 0.33 is rap/spoken; liveness above 0.8 is likely live).
TRAITS: Final[tuple[tuple[str, int, float, str, float], ...]] = (
    ("danceability", +1, 0.75, "danceable", 0.25),
    ("acousticness", +1, 0.6, "acoustic", 0.4),
    ("instrumentalness", +1, 0.5, "instrumental", 0.5),
    ("speechiness", +1, 0.33, "wordy", 0.5),
    ("liveness", +1, 0.8, "live", 0.2),
    ("loudness", +1, -4.0, "loud", 4.0),
    ("loudness", -1, -14.0, "quiet", 20.0),
)
MAX_TRAITS: Final = 1


def _band(value: float, edges: tuple[float, float]) -> int:
    return 0 if value < edges[0] else (2 if value > edges[1] else 1)


def mood_bands(raw: np.ndarray) -> tuple[int, int]:
    """(valence band, energy band) of a raw feature vector, each 0 low, 1 middle, 2 high."""
    return _band(float(raw[_IDX["valence"]]), VALENCE_BANDS), _band(float(raw[_IDX["energy"]]), ENERGY_BANDS)


def mood_words(raw: np.ndarray) -> str:
    """A raw feature vector's mood in words a person uses ("bright and upbeat", "calm and wistful")."""
    valence, energy = mood_bands(raw)
    return MOOD_WORDS[valence][energy]


def mood_fit(raw: np.ndarray, target: np.ndarray, *, reference: str = "your photo") -> str:
    """How a track's mood sits beside the target's: "<its mood> like <reference>", or its mood and the larger gap."""
    own, wanted = mood_bands(raw), mood_bands(target)
    words = mood_words(raw)
    if own == wanted:
        return f"{words} like {reference}"
    gaps = [
        (abs(own[i] - wanted[i]), float(raw[_IDX[name]]) - float(target[_IDX[name]]), up, down)
        for i, (name, up, down) in enumerate(GAP_WORDS)
    ]
    _, delta, up, down = max(gaps, key=lambda gap: gap[0])
    return f"{words}, a little {up if delta > 0 else down} than {reference}"


def traits(raw: np.ndarray) -> list[str]:
    """Up to MAX_TRAITS non-mood words for a raw feature vector, strongest first."""
    scored: list[tuple[float, int, str]] = []
    for order, (feature, direction, threshold, word, span) in enumerate(TRAITS):
        excess = (float(raw[_IDX[feature]]) - threshold) * direction
        if excess >= 0:
            scored.append((excess / span, order, word))
    return [word for _, _, word in sorted(scored, key=lambda item: (-item[0], item[1]))[:MAX_TRAITS]]


def why(raw: np.ndarray, *, target: np.ndarray, genres: Sequence[str], requested: Sequence[str] = ()) -> str:
    """E.g. "bright and upbeat like your photo, danceable, hip-hop": mood beside the target's, a trait, a genre
    (the requested one it matched, else its own first)."""
    matched = [g for g in requested if g in genres]
    genre = matched[0] if matched else (genres[0] if genres else "")
    return ", ".join([mood_fit(raw, target), *traits(raw), *([genre] if genre else [])])
