"""From what the model sees to the 8 features a playlist is searched with: the genre look places the photo in the
catalog, the mood moves what mood moves in music.

Everything happens in quantile space, so a photo asks for music by rank in our own catalog:
1. look: the genre-look posterior mixes the cover genres' centroids (a soft mixture, never a snap to one genre);
   each feature of the mixture becomes its percentile in the catalog, `u_look`.
2. mood: predicted valence and arousal become percentiles among reference photos (the out-of-fold predictions on
   the rated affect photos), `u_valence` and `u_arousal`: the happiest photo we know of sits near 1.
3. per feature f: `u = (1 - m_f) * u_look + m_f * clip(c_f + a_f * u_valence + b_f * u_arousal, 0, 1)`, with the
   couplings in MOOD_COUPLING, then back through the catalog's quantile function: a very happy photo asks for
   the catalog's happiest music, a calm one for its quietest and most acoustic.
4. spread (checkpoints fitted since issue 21): a blend of percentiles bunches towards the middle (the mean of two
   uniform ranks is not uniform, and the look's share pulls further in), so the most excited photo we know of
   asked only for energy at the catalog's ~90th percentile. For each feature the mood decides at least half of
   (m >= CALIBRATED_SHARE), `u` becomes its percentile among the reference photos' own blends (`served_quantiles`,
   fitted on their out-of-fold mood), so over those photos the feature follows the catalog's distribution. It is
   monotone in `u`: it moves how far a photo's music goes, never which of two photos asks for more.

The couplings follow what music psychology reports and what the catalog shows (valence is the music's own
pleasantness; energy and loudness rise with arousal, acousticness falls with it; danceability rises with both);
liveness follows arousal weakly (a crowd's excitement; without it liveness barely moved between photos). The
strengths were chosen by looking at playlists side by side and checked on cross-validated affect photos
(docs/model.md, `pressedplay mood report`). Instrumentalness and speechiness are left to the genre look alone:
nothing in a photo's feeling says whether music should have words.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Final

import numpy as np

from shared.features import AUDIO_FEATURES

# feature -> (m: how much mood decides it, c: offset, a: valence coefficient, b: arousal coefficient)
MOOD_COUPLING: Final[dict[str, tuple[float, float, float, float]]] = {
    "valence": (0.85, 0.0, 1.0, 0.0),
    "energy": (0.75, 0.0, 0.25, 0.75),
    "loudness": (0.6, 0.0, 0.2, 0.8),
    "acousticness": (0.6, 1.0, 0.0, -1.0),
    "danceability": (0.5, 0.0, 0.5, 0.5),
    "instrumentalness": (0.0, 0.0, 0.0, 0.0),
    "liveness": (0.2, 0.0, 0.0, 1.0),
    "speechiness": (0.0, 0.0, 0.0, 0.0),
}
QUANTILE_LEVELS: Final = 201  # points per quantile table: 0.5-percentile steps, interpolated between
# Features the mood decides at least this share of get their blend's spread calibrated (step 4); the others follow
# the genre look, whose own spread says how sure it is and is not stretched.
CALIBRATED_SHARE: Final = 0.5


def quantile_table(values: np.ndarray) -> np.ndarray:
    """(n, k) samples -> (k, QUANTILE_LEVELS) quantiles of each column, at evenly spaced levels from 0 to 1."""
    levels = np.linspace(0.0, 1.0, QUANTILE_LEVELS)
    return np.quantile(np.asarray(values, dtype=np.float64), levels, axis=0).T.astype(np.float32)


def _cdf(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Percentile of each value within a quantile table (ties in the table are stepped over, not divided by)."""
    levels = np.linspace(0.0, 1.0, table.shape[0])
    # Strictly increasing x for np.interp: a catalog feature with a point mass (instrumentalness = 0) would
    # otherwise give a flat run that interp resolves arbitrarily.
    x = table + np.arange(table.shape[0]) * 1e-7
    percentiles: np.ndarray = np.interp(values, x, levels)  # numpy's stubs type interp over an array as Any
    return percentiles


def _inverse_cdf(levels_wanted: np.ndarray, table: np.ndarray) -> np.ndarray:
    levels = np.linspace(0.0, 1.0, table.shape[0])
    values: np.ndarray = np.interp(levels_wanted, levels, table)
    return values


@dataclass(frozen=True)
class FeatureMapping:
    """The catalog's quantiles per feature (normalised units) and the reference photos' mood quantiles (1-9)."""

    catalog_quantiles: np.ndarray  # (8, QUANTILE_LEVELS), AUDIO_FEATURES order, normalised units
    mood_quantiles: np.ndarray  # (2, QUANTILE_LEVELS): valence, arousal on the 1-9 scale
    coupling: dict[str, tuple[float, float, float, float]] = field(default_factory=lambda: dict(MOOD_COUPLING))
    # (8, QUANTILE_LEVELS) quantiles of each feature's blended percentile over the reference photos (step 4), read
    # for the features with m >= CALIBRATED_SHARE; None (checkpoints before issue 21): every feature as blended
    served_quantiles: np.ndarray | None = None

    def percentiles(self, mood: np.ndarray) -> np.ndarray:
        """(n, 2) valence, arousal (1-9) -> (n, 2) percentiles among the reference photos."""
        mood = np.asarray(mood, dtype=np.float64)
        return np.stack([_cdf(mood[:, k], self.mood_quantiles[k]) for k in range(2)], axis=1)

    def blend(self, look: np.ndarray, mood: np.ndarray) -> np.ndarray:
        """(n, 8) genre-look mixture + (n, 2) mood -> (n, 8) blended percentiles `u` (steps 1-3, before step 4)."""
        look = np.asarray(look, dtype=np.float64)
        u_valence, u_arousal = self.percentiles(mood).T
        out = np.empty_like(look)
        for f, name in enumerate(AUDIO_FEATURES):
            m, c, a, b = self.coupling[name]
            u_mood = np.clip(c + a * u_valence + b * u_arousal, 0.0, 1.0)
            out[:, f] = (1.0 - m) * _cdf(look[:, f], self.catalog_quantiles[f]) + m * u_mood
        return out

    def compose(self, look: np.ndarray, mood: np.ndarray) -> np.ndarray:
        """(n, 8) genre-look mixture (normalised units) + (n, 2) mood (1-9) -> (n, 8) normalised features."""
        u = self.blend(look, mood)
        out = np.empty_like(u)
        for f, name in enumerate(AUDIO_FEATURES):
            level = u[:, f]
            if self.served_quantiles is not None and self.coupling[name][0] >= CALIBRATED_SHARE:
                level = _cdf(level, self.served_quantiles[f])
            out[:, f] = _inverse_cdf(level, self.catalog_quantiles[f])
        return out.astype(np.float32)

    def calibrated(self, look: np.ndarray, mood: np.ndarray) -> FeatureMapping:
        """This mapping with step 4 fitted on reference photos: their genre looks and out-of-fold mood."""
        table = quantile_table(self.blend(look, mood))
        for f, name in enumerate(AUDIO_FEATURES):
            if self.coupling[name][0] < CALIBRATED_SHARE:  # not used by compose; evenly spaced says "as blended"
                table[f] = np.linspace(0.0, 1.0, QUANTILE_LEVELS)
        return replace(self, served_quantiles=table)

    def to_dict(self) -> dict[str, Any]:
        """For the checkpoint: plain lists, so it loads with weights_only."""
        return {
            "catalog_quantiles": self.catalog_quantiles.tolist(),
            "mood_quantiles": self.mood_quantiles.tolist(),
            "coupling": {name: list(values) for name, values in self.coupling.items()},
            **({} if self.served_quantiles is None else {"served_quantiles": self.served_quantiles.tolist()}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureMapping:
        """From checkpoint metadata; raises ValueError for tables of the wrong shape."""
        catalog = np.asarray(data["catalog_quantiles"], dtype=np.float32)
        mood = np.asarray(data["mood_quantiles"], dtype=np.float32)
        if catalog.ndim != 2 or catalog.shape[0] != len(AUDIO_FEATURES) or mood.ndim != 2 or mood.shape[0] != 2:
            raise ValueError(f"feature mapping tables have shapes {catalog.shape} and {mood.shape}")
        coupling = {name: tuple(float(v) for v in values) for name, values in data.get("coupling", {}).items()}
        if set(coupling) != set(AUDIO_FEATURES) or any(len(values) != 4 for values in coupling.values()):
            raise ValueError("feature mapping coupling must give (m, c, a, b) for each of the 8 features")
        served = data.get("served_quantiles")
        served_table = None if served is None else np.asarray(served, dtype=np.float32)
        if served_table is not None and served_table.shape != catalog.shape:
            raise ValueError(f"served_quantiles has shape {served_table.shape}, the catalog table {catalog.shape}")
        return cls(catalog_quantiles=catalog, mood_quantiles=mood, coupling=coupling,  # type: ignore[arg-type]
                   served_quantiles=served_table)  # fmt: skip
