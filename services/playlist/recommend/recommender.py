"""The recommender: target features + seed genres -> a playlist a listener keeps, each track with a why.

Steps: apply the mode to the target; map features into the search space (normalised, divided by the catalog's
per-feature spread, times sqrt(feature weight), so squared Euclidean = weighted distance); resolve genres to seed
weights, seeds without catalog tracks replaced by their stand-ins (genre_fallback.py); gather candidates near the
target from the index (per requested genre, plus the whole catalog when genres only boost), leaving out holiday
songs unless asked and the tracks of earlier takes; score = distance - GENRE_BOOST * genre affinity; pick by MMR
with each requested genre's share of the list, each credited artist capped and each song once (diversity.py,
genre_shares.py, credits.py); then spares by the same rules; then play the list in a flowing order
(sequencing.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any, Final

import numpy as np
from pydantic import ValidationError

from services.playlist.genres.mapping import GenreMapping, resolve_seed_genres
from services.playlist.recommend.candidates import CandidateSearch
from services.playlist.recommend.catalog import Catalog, spotify_uri, spotify_url
from services.playlist.recommend.credits import code_table, song_title
from services.playlist.recommend.diversity import Draft
from services.playlist.recommend.explain import WhyContext, why
from services.playlist.recommend.genre_fallback import GenreFallback
from services.playlist.recommend.index import FeatureIndex, choose_index
from services.playlist.recommend.sequencing import Sound, flowing_order
from shared.errors import InvalidInput
from shared.features import AUDIO_FEATURES, AudioFeatures, clip_raw, normalise
from shared.recommendation import (
    ListSettings,
    Mode,
    Recommendation,
    RecommendationRequest,
    RecommendedTrack,
    default_spares,
)

# How much each feature counts in the distance. Energy and valence carry the mood a photo conveys best. The photo
# says little about the rest: liveness mostly says how a track was recorded and loudness how it was mastered, and
# danceability, instrumentalness and speechiness barely move from photo to photo (they follow its genre look: served
# spreads 0.02-0.05 against the catalog's 0.11-0.27). At full weight they pulled every list toward the same
# catalog-average tracks (instrumental jazz never made a jazz list); at half weight lists follow what the photo does
# say, for +1-2 % distance in the old weighting (docs/recommender.md, "Spread across photos").
FEATURE_WEIGHTS: Final[dict[str, float]] = {
    "acousticness": 1.0,
    "danceability": 0.5,
    "energy": 1.3,
    "instrumentalness": 0.35,
    "liveness": 0.2,
    "loudness": 0.3,
    "speechiness": 0.4,
    "valence": 1.3,
}
# boost moves energy and valence this fraction of the way to 1; calm this fraction of the way to 0.
MODE_SHIFT: Final = 0.35
# A mapped name's 2nd and 3rd seed genres get less of its weight.
SEED_RANK_WEIGHTS: Final = (1.0, 0.6, 0.4)
HOLIDAY_GENRE: Final = "holidays"


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
        self._factor: np.ndarray = (np.sqrt(weights) / catalog.scale).astype(np.float32)
        # Distances are reported per unit of total weight so their size does not depend on the weights chosen.
        self.unit: float = float(np.sqrt(weights.sum()))
        self.vectors = catalog.normalised * self._factor
        self.index: FeatureIndex = index if index is not None else choose_index(self.vectors)
        self.search = CandidateSearch(
            index=self.index,
            fallback=self.fallback,
            vectors=self.vectors / self.unit,
            artists=code_table(catalog.credits),
            songs=code_table([[song_title(str(t))] for t in catalog.names]),
            track_ids=catalog.track_ids,
            holiday=catalog.holiday,
            unit=self.unit,
        )
        self.sound = Sound(
            energy=catalog.raw[:, AUDIO_FEATURES.index("energy")],
            tempo=catalog.tempo,
            key=catalog.key,
            mode=catalog.mode,
        )

    def to_space(self, raw: np.ndarray) -> np.ndarray:
        """Raw-unit features -> the search space of the index."""
        point: np.ndarray = (normalise(np.asarray(raw, dtype=np.float32)) * self._factor).astype(np.float32)
        return point  # (numpy types a product of two bare ndarrays as Any)

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

    def target_of(self, features: AudioFeatures, mode: Mode) -> np.ndarray:
        """What is searched for a photo's features: raw units, after the mode."""
        return apply_mode(features.to_vector(), mode)

    def holidays_wanted(self, request: ListSettings, seeds: dict[str, float]) -> bool:
        """Holiday songs only when asked for, or when the holidays genre is."""
        return request.holidays or HOLIDAY_GENRE in seeds

    def recommend(self, request: RecommendationRequest) -> Recommendation:
        """A playlist for the request (see the module docstring for the steps)."""
        target = self.target_of(request.features, request.mode)
        seeds = self.resolve_genres(request.genres)
        # Seeds without tracks are replaced by what stands in for them (genre_fallback.py), each with a warning.
        plan = self.fallback.plan(seeds)
        warnings = list(plan.warnings)
        draft = Draft(max_per_artist=request.max_per_artist)
        holidays = self.holidays_wanted(request, seeds)
        search = self.search.for_request(
            self.to_space(target), plan.weights, request=request, holidays=holidays, warnings=warnings
        )
        search.fill(draft, request.n)
        chosen = list(zip(draft.rows, search.distances(draft.rows), strict=True))
        search.spares(draft, default_spares(request.n) if request.spares is None else request.spares)
        spare_rows = draft.rows[len(chosen) :]
        ordered = self._in_playing_order(chosen)
        # Each why is said against the photo as read (not the mode's target) and the rest of the playlist.
        context = WhyContext(
            photo=request.features.to_vector(),
            mode=request.mode,
            playlist=self.catalog.raw[[row for row, _ in chosen]],
            requested=list(plan.weights),
        )
        return Recommendation(
            tracks=[self.track(row, d, context=context) for row, d in ordered],
            target=AudioFeatures.from_vector(target),
            genres=list(seeds),
            mode=request.mode,
            warnings=warnings,
            spares=[
                self.track(row, d, context=context)
                for row, d in zip(spare_rows, search.distances(spare_rows), strict=True)
            ],
        )

    def _in_playing_order(self, chosen: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """The chosen tracks, opening on the one closest to the photo, then in small steps (sequencing.py)."""
        if len(chosen) < 3:
            return sorted(chosen, key=lambda pair: pair[1])
        sound = self.sound.subset(np.array([row for row, _ in chosen], dtype=np.int64))
        opening = int(np.argmin([d for _, d in chosen]))
        return [chosen[place] for place in flowing_order(sound, opening=opening)]

    @cached_property
    def _row_of(self) -> dict[str, int]:
        return {str(track_id): row for row, track_id in enumerate(self.catalog.track_ids)}

    def sound_of(self, track_ids: Sequence[str]) -> Sound:
        """The energy, tempo and key of catalog tracks, in the order given (for measuring an order's flow)."""
        return self.sound.subset(np.array([self._row_of[t] for t in track_ids], dtype=np.int64))

    def track(self, row: int, distance: float, *, context: WhyContext, photo: int | None = None) -> RecommendedTrack:
        """A catalog row as a playlist's track, with its why (and in an album, the photo it was chosen for)."""
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
            photo=photo,
        )
