"""Predictor: valid features in Spotify units, deterministic by default, attention maps on request."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor
from shared.features import AudioFeatures
from shared.paths import REPO_ROOT
from tests.unit.model_fixtures import random_checkpoint


@pytest.fixture(scope="module")
def predictor(tmp_path_factory: pytest.TempPathFactory) -> Predictor:
    return Predictor.load(random_checkpoint(tmp_path_factory.mktemp("m") / "m.pt"), device="cpu")


def _photos() -> list[Image.Image]:
    rng = np.random.default_rng(0)
    return [Image.fromarray(rng.integers(0, 255, (90, 120, 3), dtype=np.uint8)), Image.new("RGB", (300, 300), "red")]


def test_default_model_path_is_the_shipped_effnet_vae() -> None:
    assert REPO_ROOT / "models" / "effnet-vae.pt" == DEFAULT_MODEL_PATH


def test_predictions_are_valid_audio_features_tagged_with_the_model_version(predictor: Predictor) -> None:
    predictions = predictor.predict(_photos())
    assert len(predictions) == 2
    for prediction in predictions:
        assert isinstance(prediction.features, AudioFeatures)
        assert -60.0 <= prediction.features.loudness <= 0.0
        assert prediction.model_version == predictor.version
        assert prediction.attention is None


def test_prediction_uses_the_latent_mean_so_it_repeats_exactly(predictor: Predictor) -> None:
    first = predictor.predict(_photos())
    again = predictor.predict(_photos())
    assert [p.features for p in first] == [p.features for p in again]


def test_attention_comes_back_as_a_7x7_map_summing_to_one(predictor: Predictor) -> None:
    prediction = predictor.predict(_photos()[:1], with_attention=True)[0]
    assert prediction.attention is not None
    assert prediction.attention.shape == (7, 7)
    assert prediction.attention.sum() == pytest.approx(1.0, abs=1e-4)


def test_no_images_give_no_predictions(predictor: Predictor) -> None:
    assert predictor.predict([]) == []


def test_a_checkpoint_without_a_mood_head_serves_its_heads_own_features_and_no_mood(predictor: Predictor) -> None:
    prediction = predictor.predict(_photos()[:1])[0]
    assert prediction.mood is None and prediction.genre_look is None


def test_a_mood_checkpoint_composes_features_from_mood_and_genre_look_in_one_pass(tmp_path: Path) -> None:
    from tests.unit.model_fixtures import mood_checkpoint

    mood_predictor = Predictor.load(mood_checkpoint(tmp_path / "mood.pt"), device="cpu")
    outputs = mood_predictor.outputs(_photos())
    assert outputs.mood is not None and outputs.look is not None
    assert np.allclose(outputs.look.sum(axis=1), 1.0, atol=1e-5)
    mapping = mood_predictor.checkpoint.feature_mapping
    assert mapping is not None
    head = mood_predictor.model.head
    mixture = outputs.look @ head.centroids.numpy()
    assert np.allclose(outputs.features, np.clip(mapping.compose(mixture, outputs.mood), 0, 1), atol=1e-5)


def test_loading_a_seed_cnn_checkpoint_gives_a_16x16_attention_map(tmp_path: Path) -> None:
    seed = Predictor.load(random_checkpoint(tmp_path / "s.pt", architecture="seed-cnn"), device="cpu")
    prediction = seed.predict(_photos()[:1], with_attention=True)[0]
    assert seed.architecture == "seed-cnn"
    assert prediction.attention is not None and prediction.attention.shape == (16, 16)


def test_onnx_runtime_and_eager_pytorch_read_a_photo_the_same_way(tmp_path: Path) -> None:
    from services.inference.model.onnx_graph import onnxruntime_available
    from tests.unit.model_fixtures import mood_checkpoint

    assert onnxruntime_available(), "onnxruntime is a declared dependency: the CPU fast path must be testable"
    path = mood_checkpoint(tmp_path / "mood.pt", seed=3)
    fast = Predictor.load(path, device="cpu", backend="onnx")
    plain = Predictor.load(path, device="cpu", backend="eager")
    assert fast.backend == "onnx" and plain.backend == "eager"
    photos = _photos()
    a, b = fast.outputs(photos), plain.outputs(photos)
    assert a.mood is not None and b.mood is not None and a.look is not None and b.look is not None
    assert np.allclose(a.mood, b.mood, atol=1e-4) and np.allclose(a.look, b.look, atol=1e-5)
    assert np.allclose(a.attention, b.attention, atol=1e-5) and np.allclose(a.features, b.features, atol=1e-4)


def test_auto_falls_back_to_eager_where_the_fast_path_cannot_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.inference.model import predictor as predictor_module
    from tests.unit.model_fixtures import mood_checkpoint

    plain = Predictor.load(random_checkpoint(tmp_path / "plain.pt"), device="cpu")  # no mood head
    assert plain.backend == "eager"
    monkeypatch.setattr(predictor_module, "onnxruntime_available", lambda: False)
    mood = Predictor.load(mood_checkpoint(tmp_path / "mood.pt"), device="cpu")
    assert mood.backend == "eager" and mood.predict(_photos()[:1])[0].mood is not None
    with pytest.raises(ValueError, match="onnxruntime"):
        Predictor.load(mood_checkpoint(tmp_path / "mood2.pt"), device="cpu", backend="onnx")


def test_a_failing_export_falls_back_to_eager_instead_of_failing_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.inference.model.onnx_graph import OnnxGraph
    from tests.unit.model_fixtures import mood_checkpoint

    def unwritable(*args: object, **kwargs: object) -> None:
        raise PermissionError("var/cache/onnx is read-only")

    monkeypatch.setattr(OnnxGraph, "for_model", unwritable)
    path = mood_checkpoint(tmp_path / "mood.pt")
    served = Predictor.load(path, device="cpu")
    assert served.backend == "eager" and served.predict(_photos()[:1])[0].mood is not None
    with pytest.raises(PermissionError):
        Predictor.load(path, device="cpu", backend="onnx")
