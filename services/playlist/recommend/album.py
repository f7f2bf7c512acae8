"""An album's playlist: several photos in playing order, one list that moves with them.

Each photo gets an equal share of the n tracks (the first photos one more when n does not divide), chosen near that
photo's features by the single-photo rules (asked genres, holiday songs, earlier takes) over ONE draft, so a song
plays once and an artist's cap holds across the whole album. The asked genres are dealt across the parts from the
album's quotas, so a genre the small parts would round away still gets its share of the album. The last tracks of a
part lean toward the next photo (searched at a target LEAN of the way to it), and each part is played in a flowing
order that opens near where the previous part ended, so the list eases from one photo's mood to the next instead of
jumping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from services.playlist.recommend.candidates import RequestSearch
from services.playlist.recommend.diversity import Draft
from services.playlist.recommend.explain import WhyContext
from services.playlist.recommend.genre_shares import share_quotas
from services.playlist.recommend.recommender import Recommender
from services.playlist.recommend.sequencing import flowing_order
from shared.features import AudioFeatures
from shared.recommendation import AlbumRequest, Recommendation, RecommendedTrack, default_spares

# How far the last tracks of a part lean toward the next photo's target, the part's very last track first. Past
# about 0.4 a leaning track sits closer to the next photo than to its own.
LEAN: Final = (0.3, 0.2)
# A part leans with one track from this many tracks, with two from twice as many. Smaller parts ease by their order
# alone (they close on their track nearest the next photo): over 6 rated photos x 3 tracks, leaning one track of
# each part cut the tracks closest to their own photo from 0.96 to 0.86 (`pressedplay audit albums`).
LEAN_FROM: Final = 5


def recommend_album(recommender: Recommender, request: AlbumRequest) -> Recommendation:
    """One list for several photos in playing order (see the module docstring)."""
    return AlbumPlanner(recommender, request).recommend()


def part_sizes(n: int, photos: int) -> list[int]:
    """Tracks per photo: equal shares of n, the first photos one more when n does not divide."""
    base, extra = divmod(n, photos)
    return [base + (1 if i < extra else 0) for i in range(photos)]


def leaning(size: int, *, last: bool) -> int:
    """How many of a part's tracks lean toward the next photo (none for the album's last part)."""
    if last or size < LEAN_FROM:
        return 0
    return min(len(LEAN), size // LEAN_FROM)


def deal(left: np.ndarray, count: int) -> np.ndarray:
    """A part's genre quotas: `count` tracks dealt one at a time to the genre with the most of the album's share
    left (the earlier, heavier genre on a tie); `left` is lowered in place."""
    quotas = np.zeros_like(left)
    for _ in range(count):
        genre = int(np.argmax(left - quotas))
        quotas[genre] += 1
    left -= np.minimum(quotas, left)
    return quotas


@dataclass(frozen=True)
class Part:
    """One photo's tracks in the draft: rows [start, end), the last `lean` of them chosen toward the next photo."""

    photo: int
    start: int
    end: int
    lean: int


class AlbumPlanner:
    """One album request over a recommender: the parts, then their order, then the tracks."""

    def __init__(self, recommender: Recommender, request: AlbumRequest) -> None:
        self.recommender = recommender
        self.request = request
        self.targets = [recommender.target_of(photo, request.mode) for photo in request.photos]
        seeds = recommender.resolve_genres(request.genres)
        self.seeds = list(seeds)
        self.plan = recommender.fallback.plan(seeds)
        self.warnings = list(self.plan.warnings)
        self.holidays = recommender.holidays_wanted(request, seeds)
        self.draft = Draft(max_per_artist=request.max_per_artist)
        self.distance: dict[int, float] = {}
        self.parts: list[Part] = []

    def recommend(self) -> Recommendation:
        """The album's list, its spares, and what each was chosen for."""
        sizes = part_sizes(self.request.n, len(self.targets))
        left = share_quotas(list(self.plan.weights.values()), self.request.n)
        for photo, size in enumerate(sizes):
            self._fill_part(photo, size, left)
        spares = self._spares()
        rows = self._in_playing_order()
        tracks = [track for part in self.parts for track in self._tracks(part, rows[part.start : part.end])]
        mean = np.mean(np.stack(self.targets), axis=0)
        return Recommendation(
            tracks=tracks,
            target=AudioFeatures.from_vector(mean),
            targets=[AudioFeatures.from_vector(target) for target in self.targets],
            genres=self.seeds,
            mode=self.request.mode,
            warnings=_unique(self.warnings),
            spares=[track for part in spares for track in self._tracks(part, self.draft.rows[part.start : part.end])],
        )

    def _search(self, photo: int, target: np.ndarray, count: int, *, own: bool = True) -> RequestSearch:
        """A search for one photo's tracks near `target`; its own tracks (not the leaning ones) keep away from
        the other photos' sound."""
        recommender = self.recommender
        part = self.request.part(self.request.photos[photo], count)
        others = [recommender.to_space(t) for k, t in enumerate(self.targets) if k != photo] if own else []
        return recommender.search.for_request(
            recommender.to_space(target),
            self.plan.weights,
            request=part,
            holidays=self.holidays,
            warnings=self.warnings,
            rivals=np.stack(others) if others else None,
        )

    def _fill_part(self, photo: int, size: int, left: np.ndarray) -> None:
        start = len(self.draft.rows)
        lean = leaning(size, last=photo == len(self.targets) - 1)
        own = self._search(photo, self.targets[photo], size - lean)
        own.fill(self.draft, size - lean, quotas=deal(left, size - lean) if len(left) > 1 else None)
        for weight in LEAN[:lean][::-1]:  # the gentler lean first: the part's very last track leans most
            toward = (1.0 - weight) * self.targets[photo] + weight * self.targets[photo + 1]
            self._search(photo, toward, 1, own=False).fill(
                self.draft, 1, quotas=deal(left, 1) if len(left) > 1 else None
            )
        # Each track's distance is to its own photo's target: the lean is part of the plan, not a miss.
        self._distances_to(photo, start)
        self.parts.append(Part(photo=photo, start=start, end=len(self.draft.rows), lean=lean))

    def _in_playing_order(self) -> list[int]:
        """Every part's rows: the leaning tracks last (most leaning at the end); before them, a part without any
        closes on its track nearest the next photo; the rest in a flowing order that opens on the track nearest
        where the previous part ended (the first part: nearest its photo)."""
        ordered: list[int] = []
        for place, part in enumerate(self.parts):
            rows = self.draft.rows[part.start : part.end - part.lean]
            closing: list[int] = []
            if part.lean == 0 and len(rows) > 2 and place + 1 < len(self.parts):
                closing = [rows.pop(self._nearest(rows, self.targets[place + 1]))]
            if rows:
                ordered += [rows[i] for i in self._flow(rows, after=ordered[-1] if ordered else None)]
            ordered += closing + self.draft.rows[part.end - part.lean : part.end]
        return ordered

    def _nearest(self, rows: list[int], target: np.ndarray) -> int:
        """The place in rows of the track nearest a target (raw units)."""
        query = self.recommender.to_space(target) / self.recommender.unit
        return int(np.argmin(np.linalg.norm(self.recommender.search.vectors[rows] - query, axis=1)))

    def _flow(self, rows: list[int], *, after: int | None) -> list[int]:
        vectors = self.recommender.search.vectors
        if after is None:
            opening = int(np.argmin([self.distance[row] for row in rows]))
        else:
            opening = int(np.argmin(np.linalg.norm(vectors[rows] - vectors[after], axis=1)))
        if len(rows) < 3:
            return [opening, *[i for i in range(len(rows)) if i != opening]]
        sound = self.recommender.sound.subset(np.array(rows, dtype=np.int64))
        return flowing_order(sound, opening=opening)

    def _spares(self) -> list[Part]:
        """Spare tracks, dealt over the photos like the list (each part's spares near its photo)."""
        count = default_spares(self.request.n) if self.request.spares is None else self.request.spares
        spares: list[Part] = []
        for photo, size in enumerate(part_sizes(count, len(self.targets))):
            if size == 0:
                continue
            start = len(self.draft.rows)
            self._search(photo, self.targets[photo], size).spares(self.draft, size)
            self._distances_to(photo, start)
            spares.append(Part(photo=photo, start=start, end=len(self.draft.rows), lean=0))
        return spares

    def _distances_to(self, photo: int, since: int) -> None:
        query = self.recommender.to_space(self.targets[photo]) / self.recommender.unit
        for row in self.draft.rows[since:]:
            self.distance[row] = float(np.linalg.norm(self.recommender.search.vectors[row] - query))

    def _tracks(self, part: Part, rows: list[int]) -> list[RecommendedTrack]:
        context = self._context(part.photo, rows)
        return [self.recommender.track(row, self.distance[row], context=context, photo=part.photo) for row in rows]

    def _context(self, photo: int, rows: list[int]) -> WhyContext:
        recommender = self.recommender
        return WhyContext(
            photo=self.request.photos[photo].to_vector(),
            mode=self.request.mode,
            playlist=recommender.catalog.raw[rows],
            requested=list(self.plan.weights),
        )


def _unique(warnings: list[str]) -> list[str]:
    """Each warning once: every part of an album may say the same thing."""
    return list(dict.fromkeys(warnings))
