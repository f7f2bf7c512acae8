"""The shipped default model: small, self-describing, and it answers to a photo's mood."""

from __future__ import annotations

import pytest
from PIL import Image

from pipeline.model_figures import night_street, sunset, variants
from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor
from shared.features import AUDIO_FEATURES


@pytest.fixture(scope="module")
def shipped() -> Predictor:
    return Predictor.load(DEFAULT_MODEL_PATH, device="cpu")


def test_shipped_checkpoint_is_under_10_mb_and_describes_its_data_and_metrics(shipped: Predictor) -> None:
    assert DEFAULT_MODEL_PATH.stat().st_size < 10_000_000
    described = shipped.checkpoint.describe()
    assert described["architecture"] == "effnet-vae"
    assert described["feature_order"] == list(AUDIO_FEATURES)
    assert described["training"]["data"]["split_key"] == "release_id"
    assert {"genre_accuracy", "centroid_mae", "mae"} <= set(described["metrics"]["test"])


@pytest.mark.parametrize(
    ("bright", "dark"),
    [
        (Image.new("RGB", (128, 128), (255, 170, 40)), Image.new("RGB", (128, 128), (35, 40, 55))),
        (sunset(), night_street()),
        (variants(sunset())["brighter + more saturated"], variants(sunset())["darker + washed out"]),
        (variants(night_street())["brighter + more saturated"], variants(night_street())["darker + washed out"]),
    ],
)
def test_a_bright_warm_saturated_photo_gets_more_valence_and_energy_than_a_dark_cold_washed_out_one(
    shipped: Predictor, bright: Image.Image, dark: Image.Image
) -> None:
    vivid, dull = (p.features for p in shipped.predict([bright, dark]))
    assert vivid.valence > dull.valence
    assert vivid.energy > dull.energy
