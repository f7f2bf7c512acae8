"""The colour-emotion prior: bright, warm, saturated photos get more valence and energy than dark, cold, grey ones."""

from __future__ import annotations

import numpy as np
from PIL import Image

from services.inference.model.mood import ENERGY_INDEX, VALENCE_INDEX, MoodPrior, pleasure_arousal
from services.inference.model.transforms import colour_stats


def _photo(rgb: tuple[int, int, int]) -> Image.Image:
    return Image.new("RGB", (32, 32), rgb)


BRIGHT_WARM_SATURATED = _photo((255, 150, 20))
DARK_COLD_WASHED_OUT = _photo((40, 44, 52))


def _prior(strength: float = 0.5) -> MoodPrior:
    rng = np.random.default_rng(0)
    stats = rng.uniform(0, 1, (200, 3)).astype(np.float32)
    targets = rng.uniform(0, 1, (200, 8)).astype(np.float32)
    return MoodPrior.calibrate(stats=stats, targets_norm=targets, strength=strength)


def test_colour_stats_read_brightness_saturation_and_warmth() -> None:
    warm, cold = colour_stats(BRIGHT_WARM_SATURATED), colour_stats(DARK_COLD_WASHED_OUT)
    assert warm.brightness > 0.9 and cold.brightness < 0.25
    assert warm.saturation > 0.8 and cold.saturation < 0.3
    assert warm.warmth > 0.9
    assert colour_stats(_photo((20, 80, 255))).warmth < 0.1
    assert colour_stats(_photo((128, 128, 128))).warmth == 0.5


def test_valdez_mehrabian_weights_make_saturation_arousing_and_brightness_pleasant() -> None:
    scores = pleasure_arousal(np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]]))
    assert scores[0, 0] > scores[1, 0]  # brightness is the stronger pleasure cue
    assert scores[1, 1] > scores[0, 1]  # saturation arouses, brightness calms


def test_bright_warm_saturated_photo_gets_higher_valence_and_energy_than_a_dark_cold_washed_out_one() -> None:
    prior = _prior()
    shift = prior.shift(
        np.stack([colour_stats(BRIGHT_WARM_SATURATED).as_array(), colour_stats(DARK_COLD_WASHED_OUT).as_array()])
    )
    assert shift[0, VALENCE_INDEX] > shift[1, VALENCE_INDEX]
    assert shift[0, ENERGY_INDEX] > shift[1, ENERGY_INDEX]


def test_prior_moves_only_valence_and_energy_and_is_bounded_by_its_calibration() -> None:
    prior = _prior()
    shift = prior.shift(np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]], dtype=np.float32))
    others = [i for i in range(8) if i not in (VALENCE_INDEX, ENERGY_INDEX)]
    assert np.all(shift[:, others] == 0)
    assert np.all(np.abs(shift[:, VALENCE_INDEX]) <= prior.strength * prior.valence_std * 3 + 1e-6)


def test_zero_strength_turns_the_prior_off_and_it_survives_a_checkpoint_round_trip() -> None:
    prior = _prior()
    assert np.all(prior.with_strength(0.0).shift(np.array([[1.0, 1.0, 1.0]], dtype=np.float32)) == 0)
    assert MoodPrior.from_dict(prior.to_dict()) == prior
