"""Does a track sound like a seed genre? The check an artist-name join must pass before it adds a genre to a track.

Artist micro-genres are joined by name, and namesakes swap genres (Berlin's "Take My Breath Away" came out as
classical). A genre the sources themselves label is described by the tracks they label with it: their centroid in
standardised feature space and the distance within which most of them (RADIUS_QUANTILE) lie. An artist join may add
that genre only to a track inside that radius. A genre with fewer than MIN_LABELLED source-labelled tracks has no
description, so artist joins alone cannot put a track in it (such genres are served by substitution instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np

MIN_LABELLED: Final = 20
RADIUS_QUANTILE: Final = 0.9
# Same floor as the catalog's per-feature spread: a near-constant feature must not blow up distances.
MIN_SCALE: Final = 0.05


class GenreSoundCheck:
    """Centroid and radius of every well-labelled seed genre, over one build's normalised features."""

    def __init__(self, normalised: np.ndarray, labelled: Sequence[Iterable[str]]) -> None:
        scale = np.maximum(normalised.std(axis=0), MIN_SCALE)
        self._points = (normalised / scale).astype(np.float32)
        members: dict[str, list[int]] = {}
        for row, genres in enumerate(labelled):
            for genre in set(genres):
                members.setdefault(genre, []).append(row)
        self._centroids: dict[str, np.ndarray] = {}
        self._radii: dict[str, float] = {}
        for genre, rows in members.items():
            if len(rows) < MIN_LABELLED:
                continue
            points = self._points[rows]
            centroid = points.mean(axis=0)
            self._centroids[genre] = centroid
            self._radii[genre] = float(np.quantile(np.linalg.norm(points - centroid, axis=1), RADIUS_QUANTILE))

    @property
    def described(self) -> set[str]:
        """Genres with enough source-labelled tracks to check against."""
        return set(self._centroids)

    def fits(self, row: int, genre: str) -> bool:
        """True when track `row` lies within the genre's radius (False for a genre without a description)."""
        centroid = self._centroids.get(genre)
        if centroid is None:
            return False
        return float(np.linalg.norm(self._points[row] - centroid)) <= self._radii[genre]
