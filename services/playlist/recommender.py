"""The recommender: target features + seed genres -> a diverse playlist from the catalog, each track with a why.

Steps: apply the mode to the target; map features into the search space (normalised, divided by the catalog's
per-feature spread, times sqrt(feature weight), so squared Euclidean = weighted distance); resolve genres to seed
weights, seeds without catalog tracks replaced by their stand-ins (genre_fallback.py); gather a candidate pool from
the index (per requested genre, plus the whole catalog when genres only boost); score = distance - GENRE_BOOST *
genre affinity; re-rank by MMR with a per-artist cap and no repeated titles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
from pydantic import ValidationError

from services.playlist.catalog import Catalog, spotify_uri, spotify_url
from services.playlist.diversity import artist_key, encode, mmr_select, title_key
from services.playlist.explain import WhyContext, why
from services.playlist.feature_index import FeatureIndex, choose_index
from services.playlist.genre_fallback import GenreFallback
from services.playlist.genre_map import GenreMapping, resolve_seed_genres
from shared.errors import InvalidInput
from shared.features import AUDIO_FEATURES, AudioFeatures, clip_raw, normalise
from shared.recommendation import Mode, Recommendation, RecommendationRequest, RecommendedTrack

# How much each feature counts in the distance. Energy and valence carry the mood a photo conveys best; liveness
# mostly says how a track was recorded and loudness how it was mastered, so they count less.
FEATURE_WEIGHTS: Final[dict[str, float]] = {
    "acousticness": 1.0,
    "danceability": 1.0,
    "energy": 1.3,
    "instrumentalness": 0.7,
    "liveness": 0.4,
    "loudness": 0.6,
    "speechiness": 0.8,
    "valence": 1.3,
}
# boost moves energy and valence this fraction of the way to 1; calm this fraction of the way to 0.
MODE_SHIFT: Final = 0.35
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
# A mapped name's 2nd and 3rd seed genres get less of its weight.
SEED_RANK_WEIGHTS: Final = (1.0, 0.6, 0.4)


def parse_request(data: dict[str, Any]) -> RecommendationRequest:
    """Validate a request dict; raises InvalidInput naming every bad field (for the CLI and other non-HTTP callers)."""
    try:
        return RecommendationRequest.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'request'}: {e['msg']}" for e in exc.errors())
        raise InvalidInput(f"invalid recommendation request: {problems}") from exc


def apply_mode(raw: np.ndarray, mode: Mode) -> np.ndarray:
    """The target after the mode: boost lifts energy and valence toward 1, calm lowers them toward 0."""
    out = np.array(raw, dtype=np.float64, copy=True)
    for name in ("energy", "valence"):
        i = AUDIO_FEATURES.index(name)
        if mode == "boost":
            out[i] += MODE_SHIFT * (1.0 - out[i])
        elif mode == "calm":
            out[i] -= MODE_SHIFT * out[i]
    return clip_raw(out)


class Recommender:
    """Answers recommendation requests over one catalog; build once, call recommend() per request."""

    def __init__(self, catalog: Catalog, mapper: GenreMapping, *, index: FeatureIndex | None = None) -> None:
        if len(catalog) == 0:
            raise InvalidInput("the catalog has no tracks")
        self.catalog = catalog
        self.mapper = mapper
        self.fallback = GenreFallback(catalog, mapper)
        weights = np.array([FEATURE_WEIGHTS[name] for name in AUDIO_FEATURES], dtype=np.float32)
        self._factor = (np.sqrt(weights) / catalog.scale).astype(np.float32)
        # Distances are reported per unit of total weight so their size does not depend on the weights chosen.
        self.unit: float = float(np.sqrt(weights.sum()))
        self.vectors = catalog.normalised * self._factor
        self.index: FeatureIndex = index if index is not None else choose_index(self.vectors)
        self._artist_codes = encode([artist_key(a) for a in catalog.artists])
        self._title_codes = encode([title_key(t, a) for t, a in zip(catalog.names, catalog.artists, strict=True)])

    def to_space(self, raw: np.ndarray) -> np.ndarray:
        """Raw-unit features -> the search space of the index."""
        return (normalise(np.asarray(raw, dtype=np.float32)) * self._factor).astype(np.float32)

    def resolve_genres(self, genres: dict[str, float] | None) -> dict[str, float]:
        """Requested names -> seed genre weights summing to 1; raises UnknownGenre for names that cannot be mapped."""
        if not genres:
            return {}
        seeds: dict[str, float] = {}
        total = sum(genres.values())
        for name, weight in genres.items():
            mapped = resolve_seed_genres([name], self.mapper)
            shares = np.array(SEED_RANK_WEIGHTS[: len(mapped)])
            for seed, share in zip(mapped, shares / shares.sum(), strict=False):
                seeds[seed] = seeds.get(seed, 0.0) + weight / total * float(share)
        return dict(sorted(seeds.items(), key=lambda item: (-item[1], item[0])))

    def recommend(self, request: RecommendationRequest) -> Recommendation:
        """A playlist for the request (see the module docstring for the steps)."""
        target = apply_mode(request.features.to_vector(), request.mode)
        query = self.to_space(target)
        seeds = self.resolve_genres(request.genres)
        # Seeds without tracks are replaced by what stands in for them (genre_fallback.py), each with a warning.
        plan = self.fallback.plan(seeds)
        present, warnings = plan.weights, list(plan.warnings)
        pool = max(POOL_PER_TRACK * request.n, MIN_POOL)
        strict = bool(present) and request.genre_match == "filter"
        ids, dist = self._pool(query, present, pool=pool, include_all=not strict)
        chosen, chosen_dist = self._select(ids, dist, present, request=request, within=strict)
        if strict and len(chosen) < request.n:
            more_ids, more_dist = self._pool(query, {}, pool=pool + len(chosen), include_all=True)
            keep = ~np.isin(more_ids, chosen)
            extra, extra_dist = self._select(
                more_ids[keep], more_dist[keep], present, request=request, within=False, after=chosen
            )
            if extra:
                warnings.append(
                    f"only {len(chosen)} tracks fit genre(s) {', '.join(present)}; "
                    f"{len(extra)} closest tracks from other genres were added"
                )
            chosen, chosen_dist = chosen + extra, chosen_dist + extra_dist
        # Each why is said against the photo as read (not the mode's target) and the rest of the playlist.
        context = WhyContext(
            photo=request.features.to_vector(),
            mode=request.mode,
            playlist=self.catalog.raw[chosen],
            requested=list(present),
        )
        tracks = [self._track(row, d, context=context) for row, d in zip(chosen, chosen_dist, strict=True)]
        return Recommendation(
            tracks=tracks,
            target=AudioFeatures.from_vector(target),
            genres=list(seeds),
            mode=request.mode,
            warnings=warnings,
        )

    def _pool(
        self, query: np.ndarray, seeds: dict[str, float], *, pool: int, include_all: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        parts = [self.index.search(query, k=pool, rows=self.fallback.members(g)[0]) for g in seeds]
        if include_all:
            parts.append(self.index.search(query, k=pool))
        ids = np.concatenate([p[0] for p in parts])
        dist = np.concatenate([p[1] for p in parts])
        ids, first = np.unique(ids, return_index=True)
        return ids, np.sqrt(dist[first]) / self.unit

    def _affinity(self, rows: np.ndarray, seeds: dict[str, float]) -> np.ndarray:
        """Per row in [0, 1]: its best requested genre's weight (relative to the top one), less for a later genre."""
        affinity = np.zeros(rows.shape[0])
        if not seeds:
            return affinity
        top = max(seeds.values())
        for genre, weight in seeds.items():
            members, ranks = self.fallback.members(genre)
            at = np.minimum(np.searchsorted(members, rows), members.shape[0] - 1)
            hit = members[at] == rows
            # Floored so a member of the genre never drops to 0 (which would exclude it from a filter).
            place = np.maximum(1.0 - GENRE_RANK_DECAY * ranks[at], 0.2)
            value = np.where(hit, weight / top * place, 0.0)
            affinity = np.maximum(affinity, value)
        return affinity

    def _select(
        self,
        ids: np.ndarray,
        dist: np.ndarray,
        seeds: dict[str, float],
        *,
        request: RecommendationRequest,
        within: bool,
        after: Sequence[int] = (),
    ) -> tuple[list[int], list[float]]:
        affinity = self._affinity(ids, seeds)
        if within:
            ids, dist, affinity = ids[affinity > 0], dist[affinity > 0], affinity[affinity > 0]
        score = dist - GENRE_BOOST * affinity
        if request.seed is not None:
            score = score + np.random.default_rng(request.seed).normal(0.0, SEED_JITTER, size=score.shape[0])
        # Several searches were merged; MMR only needs the best `pool` of them, which keeps it O(n * pool).
        order = np.lexsort((ids, score))[: max(POOL_PER_TRACK * request.n, MIN_POOL)]
        ids, dist, score = ids[order], dist[order], score[order]
        before = np.asarray(after, dtype=np.int64)
        picks = mmr_select(
            scores=score,
            vectors=self.vectors[ids] / self.unit,
            n=request.n - len(after),
            diversity=request.diversity,
            artist_codes=self._artist_codes[ids],
            title_codes=self._title_codes[ids],
            max_per_artist=request.max_per_artist,
            taken_artists=Counter(int(code) for code in self._artist_codes[before]),
            taken_titles={int(code) for code in self._title_codes[before]},
        )
        return [int(ids[p]) for p in picks], [float(dist[p]) for p in picks]

    def _track(self, row: int, distance: float, *, context: WhyContext) -> RecommendedTrack:
        catalog = self.catalog
        track_id = str(catalog.track_ids[row])
        genres = list(catalog.genres[row])
        raw = catalog.raw[row]
        # float32 storage: round so 0.102 is not served as 0.10199999809265137.
        values = {name: round(float(v), 6) for name, v in zip(AUDIO_FEATURES, raw.tolist(), strict=True)}
        # Everything here comes from a catalog validated at load time, so the models are built without
        # re-validation (it was a third of the request time).
        return RecommendedTrack.model_construct(
            id=track_id,
            uri=spotify_uri(track_id),
            url=spotify_url(track_id),
            name=str(catalog.names[row]),
            artist=str(catalog.artists[row]),
            album=str(catalog.albums[row]),
            release_date=str(catalog.release_dates[row]),
            duration_ms=int(catalog.duration_ms[row]),
            features=AudioFeatures.model_construct(_fields_set=set(values), **values),
            genres=genres,
            why=why(raw, genres=genres, context=context),
            distance=round(distance, 4),
        )
