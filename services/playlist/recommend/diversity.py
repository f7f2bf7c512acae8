"""Re-ranking candidates into a playlist: MMR diversity, a per-artist cap, one song once, and genre shares.

Artists and songs come as (rows, k) code tables (services/playlist/recommend/credits.py: a row may have several credited
artists; -1 pads). A `Draft` is what a playlist has taken so far; several passes (one
per genre share, spares, a top-up) add to the same draft, so the caps and the spread hold across them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Draft:
    """Rows a playlist has taken, in order, with their vectors, artists' counts and songs."""

    max_per_artist: int
    rows: list[int] = field(default_factory=list)
    vectors: list[np.ndarray] = field(default_factory=list)
    artists: Counter[int] = field(default_factory=Counter)
    songs: set[int] = field(default_factory=set)

    def take(self, row: int, vector: np.ndarray, artist_codes: np.ndarray, song_codes: np.ndarray) -> None:
        """Record a pick."""
        self.rows.append(row)
        self.vectors.append(vector)
        self.artists.update(int(code) for code in artist_codes if code >= 0)
        self.songs.update(int(code) for code in song_codes if code >= 0)

    def full_artists(self) -> np.ndarray:
        """Artist codes at the cap."""
        return np.fromiter((c for c, used in self.artists.items() if used >= self.max_per_artist), dtype=np.int64)

    def open_to(self, rows: np.ndarray, artists: np.ndarray, songs: np.ndarray) -> np.ndarray:
        """Which candidates the draft still allows: not taken, no artist at the cap, no song already in."""
        taken_songs = np.fromiter(self.songs, dtype=np.int64, count=len(self.songs))
        allowed: np.ndarray = ~np.isin(rows, np.asarray(self.rows, dtype=np.int64))
        allowed &= ~_any_in(artists, self.full_artists())
        allowed &= ~_any_in(songs, taken_songs)
        return allowed


def _any_in(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    if codes.size == 0:
        return np.zeros(table.shape[0], dtype=bool)
    return np.asarray(np.isin(table, codes).any(axis=1), dtype=bool)


@dataclass(frozen=True)
class Candidates:
    """A pool to pick from: catalog rows, their scores (distance units, lower is better), search-space vectors,
    code tables, and optionally which requested genres each belongs to ((rows, genres) bool)."""

    rows: np.ndarray
    scores: np.ndarray
    vectors: np.ndarray
    artists: np.ndarray
    songs: np.ndarray
    groups: np.ndarray | None = None


def mmr_select(
    pool: Candidates, draft: Draft, *, n: int, diversity: float, quotas: np.ndarray | None = None
) -> list[int]:
    """Add up to n candidates to the draft, greedily by MMR; returns the positions taken, in order.

    Each step picks the open candidate minimising (1 - diversity) * score - diversity * (distance to the nearest
    track in the draft): diversity 0 is pure relevance. With `quotas` (one count per column of `pool.groups`), a
    candidate is open only while one of its genres still has room, and it fills the one with the most room left;
    the quotas array is updated in place, so the caller sees any shortfall. Ties go to the lower position.
    """
    open_ = draft.open_to(pool.rows, pool.artists, pool.songs)
    relevance = (1.0 - diversity) * pool.scores
    norms = np.einsum("ij,ij->i", pool.vectors, pool.vectors)
    nearest = _nearest_to(pool.vectors, norms, draft.vectors) if diversity > 0 else np.zeros(len(pool.rows))
    picked: list[int] = []
    while len(picked) < n:
        allowed = open_ if quotas is None or pool.groups is None else open_ & pool.groups[:, quotas > 0].any(axis=1)
        value = np.where(allowed, relevance - diversity * nearest, np.inf)
        pick = int(np.argmin(value)) if value.size else 0
        if value.size == 0 or not allowed[pick]:
            break  # nothing open is left
        picked.append(pick)
        if quotas is not None and pool.groups is not None:
            room = np.where(pool.groups[pick], quotas, -1)
            quotas[int(np.argmax(room))] -= 1
        draft.take(int(pool.rows[pick]), pool.vectors[pick], pool.artists[pick], pool.songs[pick])
        open_ &= _still_open(pool, draft, pick)
        if diversity > 0:
            step = _distances(pool.vectors, norms, pool.vectors[pick])
            nearest = step if len(draft.rows) == 1 else np.minimum(nearest, step)
    return picked


def _still_open(pool: Candidates, draft: Draft, pick: int) -> np.ndarray:
    """What the pick closes: itself, its songs, and the artists it brought to the cap (cheaper than open_to)."""
    closed = np.zeros(len(pool.rows), dtype=bool)
    closed[pick] = True
    for song in pool.songs[pick]:
        if song >= 0:
            closed |= (pool.songs == song).any(axis=1)
    for artist in pool.artists[pick]:
        if artist >= 0 and draft.artists[int(artist)] >= draft.max_per_artist:
            closed |= (pool.artists == artist).any(axis=1)
    return ~closed


def _distances(vectors: np.ndarray, norms: np.ndarray, point: np.ndarray) -> np.ndarray:
    # |a|^2 - 2 a.b + |b|^2: one matrix-vector product instead of a pool-sized copy.
    distances: np.ndarray = np.sqrt(np.maximum(norms - 2.0 * (vectors @ point) + float(point @ point), 0.0))
    return distances


def _nearest_to(vectors: np.ndarray, norms: np.ndarray, chosen: list[np.ndarray]) -> np.ndarray:
    if not chosen:
        return np.zeros(vectors.shape[0])
    points = np.stack(chosen)
    squared = norms[:, None] - 2.0 * (vectors @ points.T) + np.einsum("ij,ij->i", points, points)[None, :]
    nearest: np.ndarray = np.sqrt(np.maximum(squared, 0.0)).min(axis=1)  # numpy types an axis reduction as Any
    return nearest
