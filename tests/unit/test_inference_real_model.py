"""The inference service serving a real (tiny, untrained) checkpoint through the model package's Predictor."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pydantic import SecretStr

from services.inference.app import create_app
from services.inference.settings import Settings
from shared.features import AudioFeatures
from tests.unit.model_fixtures import random_checkpoint

ADMIN = "an-admin-token-for-tests-only-123"


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("models")
    return (
        random_checkpoint(folder / "one.pt", architecture="seed-cnn", seed=1),
        random_checkpoint(folder / "two.pt", architecture="seed-cnn", seed=2),
    )


def photo() -> bytes:
    pixels = np.random.default_rng(0).integers(0, 255, (96, 128, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG")
    return buffer.getvalue()


def serve(model: Path) -> TestClient:
    settings = Settings(_env_file=None, model_uri=str(model), device="cpu", admin_token=SecretStr(ADMIN))
    return TestClient(create_app(settings))


def wait_ready(client: TestClient) -> None:
    deadline = time.monotonic() + 60
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "the checkpoint never loaded"
        time.sleep(0.05)


def test_real_checkpoint_predicts_valid_features_and_attention(checkpoints: tuple[Path, Path]) -> None:
    with serve(checkpoints[0]) as client:
        wait_ready(client)
        response = client.post("/v1/predict?attention=true", content=photo(), headers={"Content-Type": "image/jpeg"})
        info = client.get("/v1/model").json()
    assert response.status_code == 200, response.json()
    body = response.json()
    AudioFeatures.model_validate(body["features"])
    assert body["model_version"] == info["model"]["version"] and body["model_version"].startswith("seed-cnn-")
    assert info["model"]["device"] == "cpu"
    values = np.array(body["attention"]["values"])
    assert values.shape == (body["attention"]["height"], body["attention"]["width"])
    assert values.sum() == pytest.approx(1.0, abs=1e-3)


def test_same_photo_gets_the_same_features_from_the_mean_latent(checkpoints: tuple[Path, Path]) -> None:
    with serve(checkpoints[0]) as client:
        wait_ready(client)
        first, second = (
            client.post("/v1/predict", content=photo(), headers={"Content-Type": "image/jpeg"}).json() for _ in range(2)
        )
    assert first["features"] == second["features"]


def test_reload_to_another_checkpoint_changes_the_version(checkpoints: tuple[Path, Path]) -> None:
    with serve(checkpoints[0]) as client:
        wait_ready(client)
        before = client.get("/v1/model").json()["model"]["version"]
        auth = {"Authorization": f"Bearer {ADMIN}"}
        reloaded = client.post("/v1/model/reload", json={"uri": str(checkpoints[1])}, headers=auth).json()
        after = client.post("/v1/predict", content=photo(), headers={"Content-Type": "image/jpeg"}).json()
    assert reloaded["previous_version"] == before and reloaded["model"]["version"] != before
    assert after["model_version"] == reloaded["model"]["version"]


def test_reload_of_a_file_that_is_not_a_checkpoint_is_refused(checkpoints: tuple[Path, Path], tmp_path: Path) -> None:
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    with serve(checkpoints[0]) as client:
        wait_ready(client)
        auth = {"Authorization": f"Bearer {ADMIN}"}
        refused = client.post("/v1/model/reload", json={"uri": str(junk)}, headers=auth)
        missing = client.post("/v1/model/reload", json={"uri": str(tmp_path / "absent.pt")}, headers=auth)
    assert refused.status_code == 422 and refused.json()["error"] == "InvalidCheckpoint"
    assert missing.status_code in (404, 422) and "absent.pt" in missing.json()["detail"]
