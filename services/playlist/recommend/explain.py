"""The short plain-language "why" of a recommended track, and the playlist's title: one vocabulary for both, so the
title, the photo's mood words and every track's why describe the same thing in every mode.

A why has three parts: how the track's mood sits beside the photo's, what sets it apart within its playlist, and its
genre ("easy-going, brighter than your photo, more acoustic than most here, folk and indie").

- Mood is read from valence (how bright or dark) and energy (how calm or driving), the two features a photo's feeling
  moves most; each is cut into three bands so the words stay few and stable. In match mode a track in the photo's
  band pair is "like your photo", else the larger gap is named ("a little calmer than your photo"). Boost and calm
  ask for music brighter or calmer than the photo (recommender.apply_mode), and the why says whether the track is
  ("brighter and livelier than your photo"), measured against the photo, not against the shifted target.
- What sets it apart: the feature on which it stands furthest from the playlist's median, in units of the catalog's
  spread, said as a comparison that is true ("more acoustic than most here" means above the playlist's median);
  a track close to the median on everything gets a trait that holds on its own ("danceable"), or none.
- The genre: the requested genre it matched (else its own first), with its next genre when it has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from shared.features import AUDIO_FEATURES
from shared.recommendation import Mode

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


# A mode's playlist beside the photo: (feature, margin, word when the track is past the photo that way, direction).
# Past by at least the margin on Spotify's 0-1 scale, so a hair's difference is not called "brighter".
MODE_GAPS: Final[dict[str, tuple[tuple[str, str, int], ...]]] = {
    "boost": (("valence", "brighter", +1), ("energy", "livelier", +1)),
    "calm": (("energy", "calmer", -1), ("valence", "more wistful", -1)),
}
MODE_MARGIN: Final = 0.05
# A title per mode: the photo's mood words, and what the mode did to them.
MODE_TITLES: Final[dict[str, str]] = {
    "match": "{words}",
    "boost": "{words}, brightened up",
    "calm": "{words}, calmed down",
}

# The catalog's spread of each feature (its standard deviation, raw units; loudness in dB), the unit in which a
# track's distance from its playlist's median is measured.
SPREAD: Final[dict[str, float]] = {
    "acousticness": 0.28,
    "danceability": 0.17,
    "energy": 0.22,
    "instrumentalness": 0.27,
    "liveness": 0.17,
    "loudness": 4.0,
    "speechiness": 0.11,
    "valence": 0.25,
}
# (feature, said when above the playlist's median, said when below (None: nothing worth saying)).
STANDOUT_WORDS: Final[tuple[tuple[str, str, str | None], ...]] = (
    ("energy", "more energetic than most here", "gentler than most here"),
    ("danceability", "more danceable than most here", "less of a dance track than most here"),
    ("acousticness", "more acoustic than most here", "more electric than most here"),
    ("instrumentalness", "more instrumental than most here", "more vocal than most here"),
    ("speechiness", "wordier than most here", None),
    ("liveness", "more of a live sound than most here", None),
    ("loudness", "louder than most here", "quieter than most here"),
)
# How far from the median (in spreads) a track must be for its standout to be named.
STANDOUT_MIN: Final = 0.5


@dataclass(frozen=True)
class WhyContext:
    """What each track of one playlist is explained against: the photo's features as read (raw units, before the
    mode), the mode, the playlist's tracks (n, 8) raw, and the genres asked for."""

    photo: np.ndarray
    mode: Mode
    playlist: np.ndarray
    requested: Sequence[str] = ()
    median: np.ndarray = field(init=False, repr=False)  # the playlist's median track, feature by feature

    def __post_init__(self) -> None:
        # Once per playlist, not once per track's why.
        object.__setattr__(self, "median", np.median(np.asarray(self.playlist, dtype=np.float64), axis=0))


def title(photo: np.ndarray, mode: str) -> str:
    """The playlist's title: the photo's mood words and what the mode did ("Calm and wistful, brightened up")."""
    text = MODE_TITLES.get(mode, "{words}").format(words=mood_words(photo))
    return text[:1].upper() + text[1:]


def mode_fit(raw: np.ndarray, photo: np.ndarray, mode: str) -> str:
    """The track's mood words and how they sit beside the photo's in this mode."""
    if mode not in MODE_GAPS:
        return mood_fit(raw, photo)
    past = [
        word
        for feature, word, direction in MODE_GAPS[mode]
        if (float(raw[_IDX[feature]]) - float(photo[_IDX[feature]])) * direction >= MODE_MARGIN
    ]
    if not past:
        return f"{mood_words(raw)} like your photo"
    return f"{mood_words(raw)}, {' and '.join(past)} than your photo"


def standout(raw: np.ndarray, median: np.ndarray) -> str | None:
    """What sets the track apart within its playlist, or None when it sits near the median on everything."""
    best: tuple[float, str] | None = None
    for feature, above, below in STANDOUT_WORDS:
        z = (float(raw[_IDX[feature]]) - float(median[_IDX[feature]])) / SPREAD[feature]
        said = above if z > 0 else below
        if said is not None and abs(z) >= STANDOUT_MIN and (best is None or abs(z) > best[0]):
            best = (abs(z), said)
    return best[1] if best else None


def genre_words(genres: Sequence[str], requested: Sequence[str]) -> str:
    """The requested genre it matched (else its own first) and its next genre: "folk and indie"."""
    matched = [g for g in requested if g in genres]
    first = matched[0] if matched else (genres[0] if genres else "")
    other = next((g for g in genres if g != first), "")
    return f"{first} and {other}" if first and other else first


def why(raw: np.ndarray, *, genres: Sequence[str], context: WhyContext) -> str:
    """E.g. "easy-going, brighter than your photo, more acoustic than most here, folk and indie"."""
    apart = standout(raw, context.median)
    parts = [mode_fit(raw, context.photo, context.mode), *([apart] if apart else traits(raw))]
    named = genre_words(genres, context.requested)
    return ", ".join([*parts, *([named] if named else [])])
