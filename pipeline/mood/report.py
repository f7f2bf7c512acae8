"""`pressedplay mood report`: what a person gets, measured on rated photos with cross-validated mood.

Every number uses out-of-fold mood predictions (`mood_fit.out_of_fold`): the mood head that scored a photo never
saw it. The served features are composed exactly as the service composes them, from those predictions and the
photo's genre look. Reported beside the issue's acceptance bounds:
- mood: Spearman of predicted against human valence and arousal (and with the colour statistics added as inputs,
  which is how we decided the colour prior goes);
- served `valence` against human valence, served `energy` against human arousal;
- no collapse: distinct values per served feature (at 4 decimals), the spread of served valence;
- range: where the photos' 5th and 95th percentile of served energy sit among the catalog's tracks (percentiles;
  5 and 95 when energy spans the catalog as widely as the catalog itself, feature_mapping step 4);
- playlists: for `playlist_photos` photos with the same genres (pop, rock; n = 20), the mean pairwise Jaccard overlap
  of their tracks, and Spearman between a playlist's mean track valence and its photo's human valence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.mood.fit import AffectSet, out_of_fold, spearman
from services.inference.model.feature_mapping import FeatureMapping
from services.playlist.genres.mapping import load_genre_mapper
from services.playlist.recommend.catalog import load_catalog
from services.playlist.recommend.recommender import Recommender
from shared.features import AUDIO_FEATURES, AudioFeatures, denormalise
from shared.recommendation import RecommendationRequest

PLAYLIST_GENRES = ("pop", "rock")
PLAYLIST_LENGTH = 20
VALENCE = AUDIO_FEATURES.index("valence")
ENERGY = AUDIO_FEATURES.index("energy")


@dataclass
class MoodReport:
    """The numbers `mood report` prints (see the module docstring)."""

    photos: int
    mood_spearman: dict[str, float]
    mood_spearman_with_colour: dict[str, float]
    served_valence_spearman: float
    served_energy_arousal_spearman: float
    distinct_values: dict[str, int]
    valence_spread: float
    catalog_valence_spread: float
    energy_catalog_span: tuple[float, float]
    playlist_photos: int
    playlist_jaccard: float
    playlist_valence_spearman: float
    examples: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe."""
        return dict(vars(self))


def served_features(affect: AffectSet, mood: np.ndarray, mapping: FeatureMapping) -> np.ndarray:
    """(n, 8) raw features as the service would serve them for these photos and this mood."""
    return denormalise(np.clip(mapping.compose(affect.look_mixture, mood), 0.0, 1.0))


def playlist_rows(count: int, folders: np.ndarray, *, seed: int = 0) -> np.ndarray:
    """`count` photo rows spread evenly over the emotion folders (seeded), so every feeling is represented."""
    rng = np.random.default_rng(seed)
    names = sorted(set(folders.tolist()))
    per = -(-count // max(len(names), 1))
    rows = [rng.permutation(np.flatnonzero(folders == name))[:per] for name in names]
    return np.sort(np.concatenate(rows)[:count])


def build_report(
    affect: AffectSet,
    mapping: FeatureMapping,
    *,
    playlist_photos: int = 60,
    seed: int = 0,
    catalog: Path | None = None,
    scatter: Path | None = None,
) -> MoodReport:
    """All the numbers, from cross-validated mood predictions (takes ~1 min: nested CV and 60 playlists); with
    `scatter`, also the predicted-against-human figure."""
    oof = out_of_fold(affect.stages, affect.ratings, seed=seed)
    if scatter is not None:
        from pipeline.mood.figures import scatter_figure

        scatter_figure(oof, affect.ratings, scatter, title=f"Mood, out of fold ({len(oof)} rated photos)")
    with_colour = out_of_fold(np.hstack([affect.stages, affect.colour]), affect.ratings, seed=seed)
    served = served_features(affect, oof, mapping)
    human_valence, human_arousal = affect.ratings[:, 0], affect.ratings[:, 1]
    catalog_data = load_catalog(catalog)
    rows = playlist_rows(playlist_photos, affect.folders, seed=seed)
    playlists, means = _playlists(Recommender(catalog_data, load_genre_mapper()), served[rows])
    overlaps = [len(a & b) / len(a | b) for a, b in combinations(playlists, 2)]
    examples = [
        {
            "file": str(affect.files[row]),
            "human": {"valence": float(human_valence[row]), "arousal": float(human_arousal[row])},
            "mood": {"valence": round(float(oof[row, 0]), 2), "arousal": round(float(oof[row, 1]), 2)},
            "valence": round(float(served[row, VALENCE]), 3),
            "energy": round(float(served[row, ENERGY]), 3),
            "playlist_valence": round(mean, 3),
        }
        for row, mean in zip(rows[:12], means[:12], strict=False)
    ]
    return MoodReport(
        photos=len(affect.ratings),
        mood_spearman={"valence": spearman(oof[:, 0], human_valence), "arousal": spearman(oof[:, 1], human_arousal)},
        mood_spearman_with_colour={
            "valence": spearman(with_colour[:, 0], human_valence),
            "arousal": spearman(with_colour[:, 1], human_arousal),
        },
        served_valence_spearman=spearman(served[:, VALENCE], human_valence),
        served_energy_arousal_spearman=spearman(served[:, ENERGY], human_arousal),
        distinct_values={name: int(np.unique(served[:, f].round(4)).size) for f, name in enumerate(AUDIO_FEATURES)},
        valence_spread=float(served[:, VALENCE].std()),
        catalog_valence_spread=float(catalog_data.raw[:, VALENCE].std()),
        energy_catalog_span=catalog_span(served[:, ENERGY], catalog_data.raw[:, ENERGY]),
        playlist_photos=len(rows),
        playlist_jaccard=float(np.mean(overlaps)) if overlaps else 0.0,
        playlist_valence_spearman=spearman(np.array(means), human_valence[rows]),
        examples=examples,
    )


def catalog_span(served: np.ndarray, catalog: np.ndarray) -> tuple[float, float]:
    """The catalog percentiles (0-100) at which the served values' 5th and 95th percentiles sit."""
    low, high = np.percentile(served, [5, 95])
    return round(float(np.mean(catalog < low) * 100), 1), round(float(np.mean(catalog < high) * 100), 1)


def _playlists(recommender: Recommender, served: np.ndarray) -> tuple[list[set[str]], list[float]]:
    """For each row of served features, the playlist's track ids and its tracks' mean valence."""
    playlists, means = [], []
    for features in served:
        request = RecommendationRequest(
            features=AudioFeatures.from_vector(features),
            genres=dict.fromkeys(PLAYLIST_GENRES, 1.0),
            n=PLAYLIST_LENGTH,
        )
        tracks = recommender.recommend(request).tracks
        playlists.append({t.id for t in tracks})
        means.append(float(np.mean([t.features.valence for t in tracks])))
    return playlists, means


def render(report: MoodReport) -> str:
    """Plain text with the acceptance bound beside each number."""
    lines = [
        f"{report.photos} rated photos, every mood prediction out of fold",
        f"mood Spearman: valence {report.mood_spearman['valence']:.3f}, arousal {report.mood_spearman['arousal']:.3f}"
        f" (with colour stats as inputs: {report.mood_spearman_with_colour['valence']:.3f},"
        f" {report.mood_spearman_with_colour['arousal']:.3f})",
        f"served valence vs human valence: {report.served_valence_spearman:.3f} (bound >= 0.65)",
        f"served energy vs human arousal: {report.served_energy_arousal_spearman:.3f} (bound >= 0.30)",
        f"served valence spread: {report.valence_spread:.3f}"
        f" (bound >= 0.10; catalog {report.catalog_valence_spread:.3f})",
        f"served energy, photos' 5th-95th percentile: the catalog's {report.energy_catalog_span[0]:.0f}th-"
        f"{report.energy_catalog_span[1]:.0f}th percentile (5th-95th: as wide as the catalog)",
        "distinct values: " + ", ".join(f"{k} {v}" for k, v in report.distinct_values.items()) + " (bound >= 200)",
        f"playlists over {report.playlist_photos} photos ({','.join(PLAYLIST_GENRES)}, n={PLAYLIST_LENGTH}):"
        f" mean pairwise Jaccard {report.playlist_jaccard:.3f} (bound <= 0.10),"
        f" mean track valence vs human valence Spearman {report.playlist_valence_spearman:.3f} (bound >= 0.55)",
    ]
    return "\n".join(lines)
