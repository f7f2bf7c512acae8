"""The colour-emotion mood prior: bright, warm, saturated photos get higher valence and energy.

Valdez & Mehrabian (1994, J. Exp. Psych.: General 123(4)) regress pleasure and arousal on a colour's brightness and
saturation: pleasure ~ 0.69 B + 0.22 S and arousal ~ -0.31 B + 0.60 S. We add a hue-warmth term (warm hues are
rated more pleasant and arousing than cold ones; Wilms & Oberfeld 2018) with a small weight of our choosing, so a
warm photo outranks an equally bright and saturated cold one. Pleasure drives valence and arousal drives energy.

Calibration: the training set gives the mean and spread of each score over its images and the spread of the
valence and energy targets, so the shift is `strength x target_std x z(score)`, with z clipped to +-3. At the
default strength 0.15, a photo whose pleasure score is one standard deviation above the average cover's moves
valence up by 0.15 of the training valence's standard deviation (the smallest strength measured at which every
tested bright/dark pair keeps its order with the genre-decoder head; more costs held-out genre accuracy; see
docs/model.md). The prior is additive on the model's output in normalised units, so the genre look still decides
the rest of the features.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from shared.features import AUDIO_FEATURES

VALENCE_INDEX = AUDIO_FEATURES.index("valence")
ENERGY_INDEX = AUDIO_FEATURES.index("energy")
MOOD_INDICES = (VALENCE_INDEX, ENERGY_INDEX)  # the features the prior moves

# (brightness, saturation, warmth) weights; the first two are Valdez & Mehrabian's, warmth (centred at 0.5) ours.
PLEASURE_WEIGHTS = np.array([0.69, 0.22, 0.20], dtype=np.float32)
AROUSAL_WEIGHTS = np.array([-0.31, 0.60, 0.15], dtype=np.float32)
DEFAULT_STRENGTH = 0.15
Z_CLIP = 3.0


def pleasure_arousal(stats: np.ndarray) -> np.ndarray:
    """(n, 3) colour stats (brightness, saturation, warmth) -> (n, 2) raw (pleasure, arousal) scores."""
    centred = np.asarray(stats, dtype=np.float32) - np.array([0.0, 0.0, 0.5], dtype=np.float32)
    return np.stack([centred @ PLEASURE_WEIGHTS, centred @ AROUSAL_WEIGHTS], axis=-1)


@dataclass(frozen=True)
class MoodPrior:
    """Score statistics from the training images and target spreads from the training targets."""

    pleasure_mean: float
    pleasure_std: float
    arousal_mean: float
    arousal_std: float
    valence_std: float
    energy_std: float
    strength: float = DEFAULT_STRENGTH

    @classmethod
    def calibrate(cls, *, stats: np.ndarray, targets_norm: np.ndarray, strength: float = DEFAULT_STRENGTH) -> MoodPrior:
        """Fit from (n, 3) colour stats of training images and their (n, 8) normalised targets."""
        scores = pleasure_arousal(stats)
        return cls(
            pleasure_mean=float(scores[:, 0].mean()),
            pleasure_std=float(max(scores[:, 0].std(), 1e-4)),
            arousal_mean=float(scores[:, 1].mean()),
            arousal_std=float(max(scores[:, 1].std(), 1e-4)),
            valence_std=float(targets_norm[:, VALENCE_INDEX].std()),
            energy_std=float(targets_norm[:, ENERGY_INDEX].std()),
            strength=strength,
        )

    def shift(self, stats: np.ndarray) -> np.ndarray:
        """(n, 3) colour stats -> (n, 8) additive shift in normalised feature units (zero outside valence/energy)."""
        scores = pleasure_arousal(stats)
        z_pleasure = np.clip((scores[:, 0] - self.pleasure_mean) / self.pleasure_std, -Z_CLIP, Z_CLIP)
        z_arousal = np.clip((scores[:, 1] - self.arousal_mean) / self.arousal_std, -Z_CLIP, Z_CLIP)
        out = np.zeros((scores.shape[0], len(AUDIO_FEATURES)), dtype=np.float32)
        out[:, VALENCE_INDEX] = self.strength * self.valence_std * z_pleasure
        out[:, ENERGY_INDEX] = self.strength * self.energy_std * z_arousal
        return out

    def with_strength(self, strength: float) -> MoodPrior:
        """The same calibration at another strength (0 turns the prior off)."""
        return MoodPrior(**{**asdict(self), "strength": strength})

    def to_dict(self) -> dict[str, float]:
        """For the checkpoint."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, float]) -> MoodPrior:
        """From checkpoint metadata."""
        return cls(**{key: float(value) for key, value in data.items()})
