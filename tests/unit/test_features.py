import numpy as np
import pytest
from pydantic import ValidationError

from shared.features import AUDIO_FEATURES, AudioFeatures, denormalise, feature_vector, normalise


def test_feature_order_is_the_originals():
    assert AUDIO_FEATURES == (
        "acousticness", "danceability", "energy", "instrumentalness",
        "liveness", "loudness", "speechiness", "valence",
    )  # fmt: skip


def test_loudness_maps_minus_60_to_0_db_onto_unit_range():
    raw = np.array([0.5, 0.5, 0.5, 0.5, 0.5, -30.0, 0.5, 0.5])
    assert normalise(raw)[5] == pytest.approx(0.5)
    assert denormalise(normalise(raw)) == pytest.approx(raw)


def test_normalise_clips_loud_masters_above_zero_db():
    raw = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 1.3, 0.6, 0.7])
    assert normalise(raw)[5] == 1.0


def test_from_vector_clips_model_outputs_into_valid_ranges():
    features = AudioFeatures.from_vector([1.2, -0.1, 0.5, 0.5, 0.5, -80.0, 0.5, 0.5])
    assert features.acousticness == 1.0 and features.danceability == 0.0 and features.loudness == -60.0


def test_out_of_range_feature_is_rejected_by_name():
    with pytest.raises(ValidationError, match="valence"):
        AudioFeatures(**dict(zip(AUDIO_FEATURES, [0.5] * 5 + [-6.0] + [0.5, 1.5], strict=True)))


def test_feature_vector_names_the_missing_feature():
    with pytest.raises(KeyError, match="valence"):
        feature_vector({name: 0.5 for name in AUDIO_FEATURES if name != "valence"})
