"""Composing features from the genre look and the mood, in the catalog's own quantiles."""

from __future__ import annotations

import numpy as np
import pytest

from services.inference.model.feature_mapping import MOOD_COUPLING, FeatureMapping, quantile_table
from shared.features import AUDIO_FEATURES

IDX = {name: i for i, name in enumerate(AUDIO_FEATURES)}


@pytest.fixture(scope="module")
def mapping() -> FeatureMapping:
    rng = np.random.default_rng(0)
    catalog = rng.beta(2, 2, (4000, 8))
    catalog[:, IDX["instrumentalness"]] = np.where(rng.uniform(size=4000) < 0.6, 0.0, rng.uniform(size=4000))
    return FeatureMapping(quantile_table(catalog), quantile_table(rng.normal(5, 1, (1000, 2)).clip(1, 9)))


def _compose(mapping: FeatureMapping, valence: float, arousal: float, look: float = 0.5) -> np.ndarray:
    return mapping.compose(np.full((1, 8), look), np.array([[valence, arousal]]))[0]


def test_a_happier_photo_asks_for_more_valence_and_the_happiest_for_the_catalogs_top(mapping: FeatureMapping) -> None:
    valences = [_compose(mapping, v, 5.0)[IDX["valence"]] for v in (2.0, 4.0, 5.0, 6.0, 8.5)]
    assert valences == sorted(valences) and len(set(valences)) == 5
    top = np.quantile(mapping.catalog_quantiles[IDX["valence"]], 0.9)
    assert valences[-1] >= top


def test_arousal_raises_energy_and_loudness_and_lowers_acousticness(mapping: FeatureMapping) -> None:
    calm, excited = _compose(mapping, 5.0, 2.5), _compose(mapping, 5.0, 7.5)
    assert excited[IDX["energy"]] > calm[IDX["energy"]]
    assert excited[IDX["loudness"]] > calm[IDX["loudness"]]
    assert excited[IDX["acousticness"]] < calm[IDX["acousticness"]]
    assert excited[IDX["danceability"]] > calm[IDX["danceability"]]


def test_mood_leaves_what_it_does_not_couple_to_the_genre_look(mapping: FeatureMapping) -> None:
    uncoupled = [name for name, (m, *_) in MOOD_COUPLING.items() if m == 0.0]
    assert uncoupled, "some features are the genre look's alone"
    for name in uncoupled:
        assert _compose(mapping, 2.0, 2.0)[IDX[name]] == pytest.approx(_compose(mapping, 8.0, 8.0)[IDX[name]])
        assert _compose(mapping, 5.0, 5.0, look=0.9)[IDX[name]] > _compose(mapping, 5.0, 5.0, look=0.1)[IDX[name]]


def test_looks_that_differ_a_little_get_features_that_differ_a_little_not_one_of_a_few_points(
    mapping: FeatureMapping,
) -> None:
    looks = np.linspace(0.3, 0.7, 200)[:, None].repeat(8, axis=1)
    served = mapping.compose(looks, np.full((200, 2), 5.0))
    for f in range(8):
        assert np.unique(served[:, f].round(5)).size > 150


def test_the_mapping_round_trips_through_plain_values_and_refuses_bad_tables(mapping: FeatureMapping) -> None:
    again = FeatureMapping.from_dict(mapping.to_dict())
    assert np.array_equal(again.catalog_quantiles, mapping.catalog_quantiles)
    assert again.coupling == mapping.coupling
    with pytest.raises(ValueError, match="shapes"):
        FeatureMapping.from_dict({**mapping.to_dict(), "catalog_quantiles": [[0.0, 1.0]]})
    with pytest.raises(ValueError, match="coupling"):
        FeatureMapping.from_dict({**mapping.to_dict(), "coupling": {"valence": [1, 0, 1, 0]}})


def _reference(mapping: FeatureMapping, photos: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """Reference photos like a mood fit's: looks near the middle of the catalog, mood as ranked as the reference."""
    rng = np.random.default_rng(1)
    return rng.uniform(0.35, 0.65, (photos, 8)), rng.normal(5, 1, (photos, 2)).clip(1, 9)


def test_calibrated_spread_makes_mood_features_span_the_catalog_over_the_reference_photos(
    mapping: FeatureMapping,
) -> None:
    looks, mood = _reference(mapping)
    calibrated = mapping.calibrated(looks, mood)
    levels = np.linspace(0.05, 0.95, 19)
    for name in ("energy", "loudness", "acousticness", "valence", "danceability"):
        table = mapping.catalog_quantiles[IDX[name]]
        before = mapping.compose(looks, mood)[:, IDX[name]]
        after = calibrated.compose(looks, mood)[:, IDX[name]]
        # blended percentiles bunch up: the 5th-95th photo covers less of the catalog than its 5th-95th percentile
        wanted = np.interp(levels, np.linspace(0, 1, table.size), table)
        assert np.ptp(np.quantile(before, [0.05, 0.95])) < 0.9 * np.ptp(wanted[[0, -1]])
        assert np.allclose(np.quantile(after, levels), wanted, atol=0.02)
        # monotone: which photo asks for more is unchanged
        assert np.array_equal(np.argsort(before, kind="stable"), np.argsort(after, kind="stable"))


def test_calibration_leaves_the_genre_looks_features_alone(mapping: FeatureMapping) -> None:
    looks, mood = _reference(mapping)
    calibrated = mapping.calibrated(looks, mood)
    for name, (m, *_) in MOOD_COUPLING.items():
        if m < 0.5:
            assert np.allclose(
                calibrated.compose(looks, mood)[:, IDX[name]], mapping.compose(looks, mood)[:, IDX[name]]
            )


def test_a_calibrated_mapping_round_trips_and_an_old_one_still_reads(mapping: FeatureMapping) -> None:
    calibrated = mapping.calibrated(*_reference(mapping))
    again = FeatureMapping.from_dict(calibrated.to_dict())
    assert again.served_quantiles is not None
    assert np.allclose(again.served_quantiles, calibrated.served_quantiles)  # type: ignore[arg-type]
    old = mapping.to_dict()
    assert "served_quantiles" not in old and FeatureMapping.from_dict(old).served_quantiles is None
    with pytest.raises(ValueError, match="served_quantiles"):
        FeatureMapping.from_dict({**calibrated.to_dict(), "served_quantiles": [[0.0, 1.0]]})
