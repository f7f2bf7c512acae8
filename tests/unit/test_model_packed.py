"""A packed model (the served graph as ONNX beside its checkpoint, with its metadata) serves without PyTorch exactly
as the checkpoint serves with it; what cannot be served that way is refused with a message naming the file."""

from __future__ import annotations

import importlib.util
import io
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from services.inference.adapters.storage import ArtifactNotFound
from services.inference.model.onnx_predictor import OnnxPredictor, SamplingNeedsTorch
from services.inference.model.packed import InvalidPackedModel, packed_uri
from services.inference.model.predictor import Predictor
from services.inference.model.served_graph import ServedGraph, export, pack
from services.inference.model_slot import load_real_predictor
from tests.unit.model_fixtures import mood_checkpoint, random_checkpoint


def photos() -> list[Image.Image]:
    rng = np.random.default_rng(7)
    return [Image.fromarray(rng.integers(0, 256, (120 + 30 * i, 90, 3), dtype=np.uint8)) for i in range(3)]


@pytest.mark.parametrize(
    ("uri", "packed"),
    [
        ("models/effnet-vae.pt", "models/effnet-vae.onnx"),
        ("s3://store/models/effnet-vae-20261205-ab12cd34.pt", "s3://store/models/effnet-vae-20261205-ab12cd34.onnx"),
        ("/m/x.onnx", "/m/x.onnx"),
    ],
)
def test_the_packed_graph_lives_beside_its_checkpoint(uri: str, packed: str) -> None:
    assert packed_uri(uri) == packed


def test_a_packed_model_answers_as_its_checkpoint_does_without_torch(tmp_path: Path) -> None:
    checkpoint = mood_checkpoint(tmp_path / "mood.pt", seed=5)
    written = pack(checkpoint)
    assert written == tmp_path / "mood.onnx"
    served, reference = OnnxPredictor.load(str(checkpoint)), Predictor.load(checkpoint, device="cpu", backend="eager")
    assert served.version == reference.version and served.genres == reference.genres
    ours, theirs = served.predict(photos(), with_attention=True), reference.predict(photos(), with_attention=True)
    for mine, expected in zip(ours, theirs, strict=True):
        assert np.allclose(mine.features.to_vector(), expected.features.to_vector(), atol=1e-4)
        assert mine.mood is not None and expected.mood is not None
        assert abs(mine.mood.valence - expected.mood.valence) < 1e-4
        assert abs(mine.mood.arousal - expected.mood.arousal) < 1e-4
        assert mine.attention is not None and expected.attention is not None
        assert np.allclose(mine.attention, expected.attention, atol=1e-5)
        assert mine.model_version == expected.model_version


def test_the_graph_outputs_are_read_by_the_names_the_graph_declares(tmp_path: Path) -> None:
    checkpoint = mood_checkpoint(tmp_path / "mood.pt", seed=2)
    served = OnnxPredictor.load(str(pack(checkpoint)))
    assert served.graph.output_names == ServedGraph.OUTPUTS


def test_a_checkpoint_never_packed_names_the_missing_graph(tmp_path: Path) -> None:
    checkpoint = mood_checkpoint(tmp_path / "unpacked.pt")
    with pytest.raises(ArtifactNotFound, match=r"unpacked\.onnx"):
        OnnxPredictor.load(str(checkpoint))


def test_an_onnx_file_without_the_packed_metadata_is_refused(tmp_path: Path) -> None:
    checkpoint = Predictor.load(mood_checkpoint(tmp_path / "mood.pt"), device="cpu", backend="eager")
    assert checkpoint.model is not None
    bare = export(checkpoint.model, tmp_path / "bare.onnx")  # type: ignore[arg-type]
    with pytest.raises(InvalidPackedModel, match="not a packed"):
        OnnxPredictor.load(str(bare))
    (tmp_path / "junk.onnx").write_bytes(b"not a graph")
    with pytest.raises(InvalidPackedModel, match="could not be opened"):
        OnnxPredictor.load(str(tmp_path / "junk.onnx"))


def test_a_checkpoint_without_a_served_graph_cannot_be_packed(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="served graph"):
        pack(random_checkpoint(tmp_path / "seed.pt", architecture="seed-cnn"))


def test_sampling_the_latent_is_refused_by_the_torch_free_predictor(tmp_path: Path) -> None:
    served = OnnxPredictor.load(str(pack(mood_checkpoint(tmp_path / "mood.pt"))))
    with pytest.raises(SamplingNeedsTorch):
        served.predict(photos()[:1], sample=True)


def test_without_torch_the_loader_serves_the_packed_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checkpoint = mood_checkpoint(tmp_path / "mood.pt")
    pack(checkpoint)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    loaded = load_real_predictor(str(checkpoint), None)
    assert isinstance(loaded, OnnxPredictor)
    with pytest.raises(ValueError, match="need PyTorch"):
        load_real_predictor(str(checkpoint), "cuda")


def test_a_reload_from_an_eager_checkpoint_to_a_packed_one_turns_batching_on(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from pydantic import SecretStr

    from services.inference.app import create_app
    from services.inference.settings import Settings

    eager_only = random_checkpoint(tmp_path / "plain.pt")  # no mood head: only eager PyTorch serves it
    packed = pack(mood_checkpoint(tmp_path / "mood.pt", seed=3))
    settings = Settings(model_uri=str(eager_only), device="cpu", batching="auto", admin_token=SecretStr("t" * 24))
    with TestClient(create_app(settings)) as client:
        model = client.get("/v1/model")
        for _ in range(300):  # the first load runs in the background
            if model.status_code == 200:
                break
            time.sleep(0.1)
            model = client.get("/v1/model")
        assert model.json()["model"]["backend"] == "eager" and model.json()["batching"]["enabled"] is False
        reloaded = client.post(
            "/v1/model/reload", json={"uri": str(packed)}, headers={"Authorization": "Bearer " + "t" * 24}
        )
        assert reloaded.status_code == 200, reloaded.text
        model = client.get("/v1/model").json()
        assert model["model"]["backend"] == "onnx"
        assert model["batching"] == {**model["batching"], "enabled": True, "max_batch": settings.max_batch}
        photo = io.BytesIO()
        photos()[0].save(photo, "JPEG")
        answer = client.post("/v1/predict", content=photo.getvalue(), headers={"Content-Type": "image/jpeg"})
        assert answer.status_code == 200 and answer.json()["model_version"] == model["model"]["version"]
