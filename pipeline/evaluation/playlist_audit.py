"""`pressedplay audit playlists`: the listener checks over photos x genre requests, and what they add up to.

For every photo and request: the playlist (n tracks, match mode), its listener checks (listener_checks.py), and
another take (the same request avoiding the first take's tracks, as the gateway asks for one): its overlap with
the first and its mean distance to the target against the first's. Over the photos of one request: how often the
most frequent tracks recur (spread). Where the folder's ratings.csv gives people's valence: for the mood request
(pop, rock, as `pressedplay mood report` uses), Spearman of each list's mean track valence against it, and the mean
pairwise overlap of the lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, Final

import numpy as np

from pipeline.evaluation.listener_checks import GenreJudge, ListChecks, check_list
from pipeline.evaluation.photo_readings import PhotoReadings
from pipeline.mood.fit import spearman
from services.playlist.recommend.credits import song_title
from services.playlist.recommend.recommender import Recommender
from shared.features import AudioFeatures
from shared.recommendation import Recommendation, RecommendationRequest, another_take

DEFAULT_REQUESTS: Final = (
    "jazz",
    "latin",
    "hip-hop",
    "k-pop",
    "hard-rock",
    "bossanova",
    "pop,rock",
    "indie,electronic",
)
MOOD_REQUEST: Final = "pop,rock"
TOP_RECURRING: Final = 10


@dataclass
class RequestAudit:
    """One genre request over every photo."""

    request: str
    lists: int = 0
    judged: int = 0
    faithful: int = 0
    holiday_lists: int = 0
    repeated_song_lists: int = 0
    missing_genre_lists: int = 0
    crowded_lists: int = 0
    step: list[float] = field(default_factory=list)
    search_step: list[float] = field(default_factory=list)
    random_step: list[float] = field(default_factory=list)
    take_overlap: list[float] = field(default_factory=list)
    take_distance_ratio: list[float] = field(default_factory=list)
    distance: list[float] = field(default_factory=list)
    track_counts: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def add(self, checks: ListChecks, first: Recommendation, take: Recommendation) -> None:
        """Count one photo's list, its checks and its other take."""
        self.lists += 1
        self.judged += checks.judged
        self.faithful += checks.faithful
        self.holiday_lists += bool(checks.holiday)
        self.repeated_song_lists += bool(checks.repeated_songs)
        self.missing_genre_lists += bool(checks.missing_genres)
        self.crowded_lists += bool(checks.crowded_artists)
        self.step.append(checks.step)
        self.search_step.append(checks.search_step)
        self.random_step.append(checks.random_step)
        first_ids = {t.id for t in first.tracks}
        # Shared songs, as a listener hears them (the sources list some songs under two ids).
        first_songs = {song_title(t.name) for t in first.tracks}
        shared = first_songs & {song_title(t.name) for t in take.tracks}
        self.take_overlap.append(len(shared) / max(len(first_songs), 1))
        first_distance = _mean_distance(first)
        self.distance.append(first_distance)
        self.take_distance_ratio.append(_mean_distance(take) / first_distance if first_distance else 1.0)
        self.track_counts.update(first_ids)
        self.problems += [f"holiday: {x}" for x in checks.holiday] + [f"twice: {x}" for x in checks.repeated_songs]
        self.problems += [f"missing: {g}" for g in checks.missing_genres]
        self.problems += [f"crowded: {a}" for a in checks.crowded_artists]

    def summary(self) -> dict[str, Any]:
        """The request's figures (JSON-safe)."""
        top = [count for _, count in self.track_counts.most_common(TOP_RECURRING)]
        return {
            "request": self.request,
            "lists": self.lists,
            "fidelity": self.faithful / self.judged if self.judged else None,
            "judged_tracks": self.judged,
            "holiday_lists": self.holiday_lists,
            "repeated_song_lists": self.repeated_song_lists,
            "missing_genre_lists": self.missing_genre_lists,
            "crowded_lists": self.crowded_lists,
            "mean_step": {
                "list": _mean(self.step),
                "search": _mean(self.search_step),
                "random": _mean(self.random_step),
            },
            "take_overlap": {"mean": _mean(self.take_overlap), "max": max(self.take_overlap, default=0.0)},
            "take_distance_ratio": {
                "mean": _mean(self.take_distance_ratio),
                "max": max(self.take_distance_ratio, default=0.0),
            },
            "mean_distance": _mean(self.distance),
            "most_frequent_track_share": top[0] / self.lists if top and self.lists else 0.0,
            "top10_mean_share": float(np.mean(top)) / self.lists if top and self.lists else 0.0,
            "distinct_tracks": len(self.track_counts),
            "problems": self.problems[:20],
        }


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if len(values) else 0.0


def _mean_distance(rec: Recommendation) -> float:
    return float(np.mean([t.distance for t in rec.tracks])) if rec.tracks else 0.0


def _request(features: np.ndarray, genres: str, *, n: int) -> RecommendationRequest:
    return RecommendationRequest.model_validate(
        {"features": AudioFeatures.from_vector(features), "genres": genres, "n": n}
    )


def audit_request(
    recommender: Recommender, readings: PhotoReadings, rows: np.ndarray, genres: str, *, judge: GenreJudge, n: int
) -> tuple[RequestAudit, list[Recommendation]]:
    """Every chosen photo's list for one request, checked; also the lists, in photo order."""
    audit = RequestAudit(request=genres)
    lists = []
    for row in rows:
        request = _request(readings.features[row], genres, n=n)
        first = recommender.recommend(request)
        take = recommender.recommend(another_take(request, [first.tracks]))
        checks = check_list(
            first.tracks,
            asked=first.genres,
            judge=judge,
            sound=recommender.sound_of([t.id for t in first.tracks]),
            holidays_asked="holidays" in first.genres,
            seed=int(row),
        )
        audit.add(checks, first, take)
        lists.append(first)
    return audit, lists


def mood_figures(readings: PhotoReadings, rows: np.ndarray, lists: list[Recommendation]) -> dict[str, float] | None:
    """Playlists following photos: list valence vs people's valence (Spearman), mean pairwise track overlap."""
    human = readings.human_valence[rows]
    track_sets = [{t.id for t in rec.tracks} for rec in lists]
    overlaps = [len(a & b) / len(a | b) for a, b in combinations(track_sets, 2)]
    figures = {"mean_pairwise_overlap": float(np.mean(overlaps)) if overlaps else 0.0}
    if np.isfinite(human).sum() >= 3:
        means = np.array([np.mean([t.features.valence for t in rec.tracks]) for rec in lists])
        rated = np.isfinite(human)
        figures["valence_spearman"] = spearman(means[rated], human[rated])
    return figures
