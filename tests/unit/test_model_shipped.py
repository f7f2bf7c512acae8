"""The shipped default model: small, self-describing, and its learned mood answers to a photo's feeling."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from pipeline.mood.scenes import night_street, sunset, variants
from services.inference.model.image_io import decode_image
from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor
from services.inference.settings import Settings
from shared.features import AUDIO_FEATURES, feature_vector, normalise


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
    assert described["metrics"]["mood_cv"]["valence_spearman"] > 0.65
    assert described["training"]["mood"]["photos"] > 900 and described["training"]["mood"]["parent"]
    assert "mood_prior" not in described  # the colour rule is gone: mood is learned (docs/model.md)


def test_the_shipped_model_reads_mood_and_a_genre_look_from_a_photo(shipped: Predictor) -> None:
    prediction = shipped.predict([sunset()])[0]
    assert prediction.mood is not None and 1 <= prediction.mood.valence <= 9
    assert prediction.genre_look is not None and set(prediction.genre_look) == {
        "Country", "Electronic", "HipHop", "Pop", "Rock"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("bright", "dark"),
    [
        (Image.new("RGB", (128, 128), (255, 170, 40)), Image.new("RGB", (128, 128), (35, 40, 55))),
        (sunset(), night_street()),
        (variants(sunset())["brighter + more saturated"], variants(sunset())["darker + washed out"]),
        (variants(night_street())["brighter + more saturated"], variants(night_street())["darker + washed out"]),
    ],
)
def test_a_bright_warm_saturated_scene_feels_happier_and_asks_for_more_valence_and_energy_than_a_dark_one(
    shipped: Predictor, bright: Image.Image, dark: Image.Image
) -> None:
    vivid, dull = shipped.predict([bright, dark])
    assert vivid.mood is not None and dull.mood is not None
    assert vivid.mood.valence > dull.mood.valence  # the learned mood head, not a colour rule
    assert vivid.features.valence > dull.features.valence
    assert vivid.features.energy > dull.features.energy


def test_a_phone_sized_photo_decoded_at_reduced_scale_gets_the_same_reading(shipped: Predictor) -> None:
    # The service decodes big JPEGs at 1/2..1/8 scale (INFERENCE_DECODE_MIN_SIDE): what the model reads from the
    # photo must not depend on it.
    big = night_street(3200).resize((3200, 2400))
    noisy = np.asarray(big, dtype=np.float32) + np.random.default_rng(0).normal(0, 6, (2400, 3200, 3))
    buffer = io.BytesIO()
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=90)
    min_side = Settings(_env_file=None).decode_min_side
    reduced = decode_image(buffer.getvalue(), min_side=min_side)
    assert max(reduced.size) <= 800  # 1/4 or 1/8 scale: the reduction is on
    full, fast = shipped.predict([decode_image(buffer.getvalue()), reduced])
    full_norm, fast_norm = (normalise(feature_vector(p.features.model_dump())) for p in (full, fast))
    assert np.abs(full_norm - fast_norm).max() < 0.02  # each feature on its [0, 1] scale (loudness is in dB)
    assert full.mood is not None and fast.mood is not None
    assert abs(full.mood.valence - fast.mood.valence) < 0.1 and abs(full.mood.arousal - fast.mood.arousal) < 0.1
