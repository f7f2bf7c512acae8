"""Candidates for one request, and how a playlist is filled from them.

`CandidateSearch` holds what every request searches (the index, each genre's rows, credits and songs as code
tables, the holiday mask); `for_request` gathers one request's pool near the target: per requested genre (filter)
and from the whole catalog (boost, or no genres), without holiday songs unless asked and without the tracks an
earlier take used. `RequestSearch.fill` then takes each genre's share of the list (by weight, at least one each)
from the tracks that sit near the target, says in a warning when a genre has too few there and gives its room to
the other asked genres, and tops up from the whole catalog, with a warning, only when the asked genres run out.
`spares` takes the spare tracks after the list by the same rules and tops them up the same way (no warning: the
list's names the shortfall when it had one), so spares never run out before the catalog does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Final

import numpy as np

from services.playlist.recommend.diversity import Candidates, Draft, mmr_select
from services.playlist.recommend.genre_fallback import GenreFallback
from services.playlist.recommend.genre_shares import share_quotas
from services.playlist.recommend.index import FeatureIndex
from shared.recommendation import RecommendationRequest, default_spares

# Distance units subtracted per unit of genre affinity (1 = the track's first genre is the top requested one).
# About the gap between a target's nearest and 20th-nearest track: enough to prefer a genre, not to override sound.
GENRE_BOOST: Final = 0.15
# A requested genre that is a track's 2nd, 3rd ... genre counts this much less per place.
GENRE_RANK_DECAY: Final = 0.1
# Candidate pool per request: wide enough for MMR and the caps to have choices, small enough to stay fast.
POOL_PER_TRACK: Final = 15
MIN_POOL: Final = 300
# Standard deviation of the seeded score jitter (distance units): a different seed reshuffles near-ties only.
SEED_JITTER: Final = 0.04
# A genre's track counts toward its share only within this multiple of the distance the list would have without
# shares (the mean of the n best scores), or MIN_REACH, whichever is more: farther, it would not sound like the
# photo. 0.5 is half a standard deviation per feature, closer than a typical list's tracks (0.4-0.7, see
# docs/recommender.md), so the floor only matters where the target sits right on a cluster of one genre.
NEAR_RATIO: Final = 2.0
# In an album, distance units added per unit a track sits nearer another photo than its own: a photo's part keeps
# to tracks that sound like it rather than like its neighbours (docs/recommender.md, "An album").
RIVAL_PENALTY: Final = 1.0
MIN_REACH: Final = 0.5


@dataclass(frozen=True)
class CandidateSearch:
    """What every request searches over one catalog."""

    index: FeatureIndex
    fallback: GenreFallback
    vectors: np.ndarray  # search space, in reported distance units
    artists: np.ndarray  # (rows, k) credited-artist codes
    songs: np.ndarray  # (rows, 1) song codes
    track_ids: np.ndarray
    holiday: np.ndarray  # bool per row
    unit: float

    @cached_property
    def _row_of(self) -> dict[str, int]:
        # Built on the first request that avoids anything (another take), not at start.
        return {str(track_id): row for row, track_id in enumerate(self.track_ids)}

    def songs_of(self, track_ids: list[str]) -> np.ndarray:
        """The song codes of catalog tracks (ids the catalog lacks are skipped)."""
        rows = np.array([self._row_of[t] for t in track_ids if t in self._row_of], dtype=np.int64)
        codes = self.songs[rows].ravel()
        return codes[codes >= 0]

    def pool(self, query: np.ndarray, seeds: dict[str, float], *, size: int, include_all: bool) -> dict[int, float]:
        """Row -> distance of the `size` nearest rows of each seed genre, and of the whole catalog if asked."""
        parts = [self.index.search(query, k=size, rows=self.fallback.members(g)[0]) for g in seeds]
        if include_all:
            parts.append(self.index.search(query, k=size))
        rows = np.concatenate([p[0] for p in parts]).astype(np.int64)
        dist = np.sqrt(np.concatenate([p[1] for p in parts])) / self.unit
        return dict(zip(rows.tolist(), dist.tolist(), strict=True))

    def membership(self, rows: np.ndarray, seeds: dict[str, float]) -> np.ndarray:
        """(rows, genres) the genre's place in each row's genre list, -1 where the row is not of that genre."""
        out = np.full((rows.shape[0], len(seeds)), -1, dtype=np.int64)
        for column, genre in enumerate(seeds):
            members, ranks = self.fallback.members(genre)
            if members.shape[0] == 0:
                continue
            at = np.minimum(np.searchsorted(members, rows), members.shape[0] - 1)
            out[:, column] = np.where(members[at] == rows, ranks[at], -1)
        return out

    def for_request(
        self,
        query: np.ndarray,
        seeds: dict[str, float],
        *,
        request: RecommendationRequest,
        holidays: bool,
        warnings: list[str],
        rivals: np.ndarray | None = None,
    ) -> RequestSearch:
        """One request's candidates (see the module docstring); `rivals`, an album's other photos' queries."""
        return RequestSearch(self, query, seeds, request=request, holidays=holidays, warnings=warnings, rivals=rivals)


class RequestSearch:
    """One request's candidates and the passes that fill a draft from them."""

    def __init__(
        self,
        catalog: CandidateSearch,
        query: np.ndarray,
        seeds: dict[str, float],
        *,
        request: RecommendationRequest,
        holidays: bool,
        warnings: list[str],
        rivals: np.ndarray | None = None,
    ) -> None:
        self.catalog = catalog
        self.query = query
        # In reported distance units, like the catalog's vectors.
        self.rivals = None if rivals is None or rivals.shape[0] == 0 else rivals / catalog.unit
        self.seeds = seeds
        self.request = request
        self.holidays = holidays
        self.warnings = warnings
        self.strict = bool(seeds) and request.genre_match == "filter"
        self.distance: dict[int, float] = {}
        spares = default_spares(request.n) if request.spares is None else request.spares
        size = max(POOL_PER_TRACK * (request.n + spares), MIN_POOL)
        self.candidates = self.build(catalog.pool(query, seeds, size=size, include_all=not self.strict), size=size)

    def build(self, found: dict[int, float], *, size: int) -> Candidates:
        """Scored candidates from row -> distance, excluded rows left out, best `size` by score."""
        self.distance.update(found)
        rows = np.fromiter(found, dtype=np.int64, count=len(found))
        rows = rows[self._allowed(rows)]
        dist = np.array([found[int(r)] for r in rows], dtype=np.float64)
        places = self.catalog.membership(rows, self.seeds)
        score = dist - GENRE_BOOST * self._affinity(places) + RIVAL_PENALTY * self._nearer_a_rival(rows, dist)
        if self.request.seed is not None:
            score = score + np.random.default_rng(self.request.seed).normal(0.0, SEED_JITTER, size=score.shape[0])
        order = np.lexsort((rows, score))[:size]
        rows = rows[order]
        return Candidates(
            rows=rows,
            scores=score[order],
            vectors=self.catalog.vectors[rows],
            artists=self.catalog.artists[rows],
            songs=self.catalog.songs[rows],
            groups=places[order] >= 0,
        )

    def _allowed(self, rows: np.ndarray) -> np.ndarray:
        keep = np.ones(rows.shape[0], dtype=bool)
        if not self.holidays:
            keep &= ~self.catalog.holiday[rows]
        if self.request.avoid:
            # By song, not only by id: the sources list some songs under two ids, and another take must not bring
            # back a song the last one played.
            keep &= ~np.isin(self.catalog.track_ids[rows], np.asarray(self.request.avoid, dtype=object))
            keep &= ~np.isin(self.catalog.songs[rows], self.catalog.songs_of(self.request.avoid)).any(axis=1)
        return keep

    def _nearer_a_rival(self, rows: np.ndarray, dist: np.ndarray) -> np.ndarray:
        """Per row: how much nearer it is to another photo of the album than to this one (0 when it is not)."""
        if self.rivals is None or rows.shape[0] == 0:
            return np.zeros(rows.shape[0])
        vectors = self.catalog.vectors[rows]
        nearest: np.ndarray = np.min(np.linalg.norm(vectors[:, None, :] - self.rivals[None, :, :], axis=2), axis=1)
        gap: np.ndarray = np.maximum(dist - nearest, 0.0)
        return gap

    def _affinity(self, places: np.ndarray) -> np.ndarray:
        """Per row in [0, 1]: its best requested genre's weight (relative to the top one), less for a later place."""
        if not self.seeds:
            return np.zeros(places.shape[0])
        weights = np.array(list(self.seeds.values()))
        # Floored so a member of the genre never drops to 0.
        value = weights / weights.max() * np.maximum(1.0 - GENRE_RANK_DECAY * places, 0.2)
        # numpy's stubs type a reduction along an axis as Any.
        affinity: np.ndarray = np.where(places >= 0, value, 0.0).max(axis=1, initial=0.0)
        return affinity

    def distances(self, rows: list[int]) -> list[float]:
        """The distance to the target of rows this search found."""
        return [self.distance[row] for row in rows]

    def fill(self, draft: Draft, count: int, *, quotas: np.ndarray | None = None) -> None:
        """Add `count` tracks to the draft (which may hold an album's earlier parts): each asked genre's share first
        (by weight, or the `quotas` given: an album deals its genres across its parts), then any asked genre, then
        (filter only) the closest tracks of the whole catalog, each shortfall named in the warnings."""
        start = len(draft.rows)
        goal = start + count
        if self.strict and len(self.seeds) > 1:
            self._shares(draft, count, quotas)
        mmr_select(self.candidates, draft, n=goal - len(draft.rows), diversity=self.request.diversity)
        if self.strict and len(draft.rows) < goal:
            fitted = len(draft.rows) - start
            added = self._from_whole_catalog(draft, goal)
            if added:
                self.warnings.append(
                    f"only {fitted} tracks fit genre(s) {', '.join(self.seeds)}; "
                    f"{added} closest tracks from other genres were added"
                )

    def _shares(self, draft: Draft, count: int, quotas: np.ndarray | None) -> None:
        pool = self.candidates
        assert pool.groups is not None  # build() always sets it; the type allows None for pools without genres
        quotas = share_quotas(list(self.seeds.values()), count) if quotas is None else quotas.copy()
        distance = np.array(self.distances(pool.rows.tolist()))
        reach = max(NEAR_RATIO * float(distance[:count].mean()) if distance.size else 0.0, MIN_REACH)
        near = distance <= reach  # the pool is sorted by score: its first `count` are the list without shares
        shared = Candidates(pool.rows, pool.scores, pool.vectors, pool.artists, pool.songs, pool.groups & near[:, None])
        mmr_select(shared, draft, n=count, diversity=self.request.diversity, quotas=quotas)
        short = {genre: int(left) for genre, left in zip(self.seeds, quotas, strict=True) if left > 0}
        if short:
            names = ", ".join(f"{genre} ({left} of its share)" for genre, left in short.items())
            self.warnings.append(f"too few tracks sit near this photo's sound in {names}; other asked genres filled in")

    def _from_whole_catalog(self, draft: Draft, goal: int) -> int:
        """Add the closest tracks of the whole catalog, by the same rules, until the draft holds `goal` (when the
        asked genres ran out); how many were added."""
        before = len(draft.rows)
        # The draft's rows are in the pool too but closed: room for them on top of what is still wanted.
        size = max(POOL_PER_TRACK * (goal - before), MIN_POOL) + before
        wider = self.build(self.catalog.pool(self.query, {}, size=size, include_all=True), size=size)
        mmr_select(wider, draft, n=goal - before, diversity=self.request.diversity)
        return len(draft.rows) - before

    def spares(self, draft: Draft, count: int) -> None:
        """Add up to `count` spare tracks by the same rules: within the asked genres when filtering and, once they run
        out, from the closest tracks of the whole catalog as the list was. Spares replace the tracks Spotify
        refuses, so a list that needed other genres to reach n needs its spares most (issue 23)."""
        if count <= 0:
            return
        goal = len(draft.rows) + count
        mmr_select(self.candidates, draft, n=count, diversity=self.request.diversity)
        if self.strict and len(draft.rows) < goal:
            self._from_whole_catalog(draft, goal)
