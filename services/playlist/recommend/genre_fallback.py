"""Seed genres the catalog has no tracks for: what stands in for them, and the warning that says so in plain words.

No requested genre is ever dropped silently. A seed genre with tracks is searched as it is (the filter stays
exact). One without tracks is served, in this order, by
1. a stand-in set over the whole catalog, for occasions and moods that are not a sound (work-out, summer,
   rainy-day, road-trip: feature ranges; holidays: the catalog's holiday songs; new-release: the newest
   release years the catalog has);
2. its nearest genres with tracks: SUBSTITUTES (chosen by hand from the genre map, see docs/recommender.md), else
   the seeds the genre map most often lists beside it;
3. the whole catalog, features only.
Each step appends a warning naming what was used ("no bossanova in the catalog yet: used mpb and brazil").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

import numpy as np

from services.playlist.recommend.catalog import Catalog
from shared.features import AUDIO_FEATURES

# Nearest genres with tracks, best first. Only those the catalog has are used.
SUBSTITUTES: Final[dict[str, tuple[str, ...]]] = {
    # Not latin: 5,500 tracks, mostly reggaeton and latin pop, it crowded mpb and brazil out of every list.
    "bossanova": ("mpb", "brazil"),
    "post-dubstep": ("dubstep", "trip-hop", "electronic"),
    "metal-misc": ("metal", "heavy-metal"),
    # OPM in the catalog's vocabulary: pop ballads and acoustic pop (the map lists pop, indie, hip-hop beside it).
    "philippines-opm": ("pop", "acoustic"),
    "movies": ("show-tunes", "disney", "pop-film"),
    "soundtracks": ("classical", "ambient", "show-tunes"),
}
# A substitute's share of the missing genre's weight, by place (as for a mapped name's seeds).
SHARES: Final = (1.0, 0.6, 0.4)
MAX_SUBSTITUTES: Final = 3
# A stand-in set smaller than this is not worth a filter; the next step takes over.
MIN_STAND_IN: Final = 20


class KnownMap(Protocol):
    """GenreMapper's table of listed micro-genres, used to find the seeds listed beside a missing one."""

    @property
    def known(self) -> Mapping[str, list[str]]: ...


class StandIn(Protocol):
    """A set of catalog tracks that serves an occasion or mood genre."""

    def rows(self, catalog: Catalog) -> np.ndarray: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class FeatureRanges:
    """Tracks whose raw features lie within every range."""

    words: str
    ranges: Mapping[str, tuple[float, float]]

    def rows(self, catalog: Catalog) -> np.ndarray:
        keep = np.ones(len(catalog), dtype=bool)
        for name, (low, high) in self.ranges.items():
            column = catalog.raw[:, AUDIO_FEATURES.index(name)]
            keep &= (column >= low) & (column <= high)
        return np.flatnonzero(keep)

    def describe(self) -> str:
        bounds = ", ".join(_bound(name, low, high) for name, (low, high) in self.ranges.items())
        return f"{self.words} from the whole catalog ({bounds})"


@dataclass(frozen=True)
class HolidaySongs:
    """The catalog's holiday songs: the mask that keeps them out of other requests (recommend/seasons.py)."""

    words: str = "the catalog's holiday songs (Christmas, New Year, Hanukkah, Halloween, ...)"

    def rows(self, catalog: Catalog) -> np.ndarray:
        return np.flatnonzero(catalog.holiday)

    def describe(self) -> str:
        return self.words


@dataclass(frozen=True)
class NewestYears:
    """Tracks released in the newest `years` release years the catalog knows (it has no release feed)."""

    years: int = 2

    def rows(self, catalog: Catalog) -> np.ndarray:
        year = np.array([int(d[:4]) if d[:4].isdigit() else 0 for d in catalog.release_dates], dtype=np.int32)
        newest = int(year.max(initial=0))
        return np.flatnonzero((year > newest - self.years) & (year > 0)) if newest else np.empty(0, dtype=np.int64)

    def describe(self) -> str:
        return f"the catalog's newest releases (its last {self.years} release years)"


STAND_INS: Final[dict[str, StandIn]] = {
    "work-out": FeatureRanges("high-energy, danceable tracks", {"energy": (0.75, 1.0), "danceability": (0.6, 1.0)}),
    "summer": FeatureRanges(
        "bright, danceable, lively tracks", {"valence": (0.6, 1.0), "danceability": (0.6, 1.0), "energy": (0.6, 1.0)}
    ),
    "road-trip": FeatureRanges(
        "upbeat tracks with vocals to sing along to",
        {"energy": (0.6, 1.0), "valence": (0.5, 1.0), "speechiness": (0.0, 0.15), "instrumentalness": (0.0, 0.2)},
    ),
    "rainy-day": FeatureRanges(
        "mellow, wistful, acoustic tracks", {"energy": (0.0, 0.5), "valence": (0.0, 0.45), "acousticness": (0.4, 1.0)}
    ),
    "holidays": HolidaySongs(),
    "new-release": NewestYears(),
}


@dataclass(frozen=True)
class GenrePlan:
    """What to search for a request's seed genres: weights over catalog genres and stand-in sets, and warnings."""

    weights: dict[str, float]
    warnings: list[str] = field(default_factory=list)


def _bound(name: str, low: float, high: float) -> str:
    if low <= 0.0:
        return f"{name} <= {high:g}"
    return f"{name} >= {low:g}" if high >= 1.0 else f"{name} {low:g}-{high:g}"


def _words(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


class GenreFallback:
    """Plans the genres a request searches over one catalog; holds the stand-in sets it has computed."""

    def __init__(self, catalog: Catalog, mapper: object | None = None) -> None:
        self.catalog = catalog
        self._mapper = mapper
        self._stand_in_rows: dict[str, np.ndarray] = {}

    def members(self, genre: str) -> tuple[np.ndarray, np.ndarray]:
        """Sorted rows of a catalog genre or a stand-in set, and the genre's place in each row (0 for a stand-in)."""
        if genre in self.catalog.genre_rows:
            return self.catalog.genre_rows[genre], self.catalog.genre_ranks[genre]
        rows = self._stand_in(genre)
        return rows, np.zeros(rows.shape[0], dtype=np.int8)

    def _stand_in(self, genre: str) -> np.ndarray:
        if genre not in self._stand_in_rows:
            rows = STAND_INS[genre].rows(self.catalog) if genre in STAND_INS else np.empty(0)
            self._stand_in_rows[genre] = np.sort(rows).astype(np.int64)
        return self._stand_in_rows[genre]

    def substitutes(self, genre: str) -> list[str]:
        """Nearest genres with tracks for a genre without: the hand-made table, else the genre map's neighbours."""
        have = self.catalog.genre_rows
        chosen = [g for g in SUBSTITUTES.get(genre, ()) if g in have]
        if chosen:
            return chosen[:MAX_SUBSTITUTES]
        known = getattr(self._mapper, "known", None)
        if not isinstance(known, Mapping):
            return []
        beside = Counter(s for seeds in known.values() if genre in seeds for s in seeds if s != genre and s in have)
        return [g for g, _ in beside.most_common(2)]

    def plan(self, seeds: Mapping[str, float]) -> GenrePlan:
        """Replace every seed without tracks by what stands in for it, and say so."""
        weights: dict[str, float] = {}
        warnings: list[str] = []
        for genre, weight in seeds.items():
            if genre in self.catalog.genre_rows:
                weights[genre] = weights.get(genre, 0.0) + weight
            elif genre in STAND_INS and self._stand_in(genre).shape[0] >= MIN_STAND_IN:
                weights[genre] = weights.get(genre, 0.0) + weight
                warnings.append(f"no {genre} in the catalog yet: used {STAND_INS[genre].describe()}")
            elif used := self.substitutes(genre):
                shares = np.array(SHARES[: len(used)]) / sum(SHARES[: len(used)])
                for name, share in zip(used, shares, strict=True):
                    weights[name] = weights.get(name, 0.0) + weight * float(share)
                warnings.append(f"no {genre} in the catalog yet: used {_words(used)}")
            else:
                warnings.append(
                    f"no {genre} in the catalog yet and no related genre has tracks: used the whole catalog"
                )
        ordered = dict(sorted(weights.items(), key=lambda item: (-item[1], item[0])))
        return GenrePlan(weights=ordered, warnings=warnings)
