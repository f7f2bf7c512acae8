"""A checkpoint uploaded to a real S3 API (`rclone serve s3`) is loaded by the Predictor and served after a reload."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from services.inference.adapters.storage import upload_artifact
from services.inference.app import create_app
from services.inference.model.predictor import Predictor
from services.inference.settings import Settings
from tests.servers.rclone_s3 import S3Server, rclone_s3_fixture, s3_env_fixture  # noqa: F401  (fixtures)
from tests.unit.model_fixtures import random_checkpoint

pytestmark = pytest.mark.integration
ADMIN = "an-admin-token-for-tests-only-123"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PRESSEDPLAY_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_predictor_loads_a_checkpoint_from_s3(s3_env: S3Server, tmp_path: Path, cache_dir: Path) -> None:
    local = random_checkpoint(tmp_path / "model.pt", architecture="seed-cnn", seed=3)
    bucket = s3_env.make_bucket("models-predictor")
    upload_artifact(local, f"s3://{bucket}/seed-cnn/model.pt")
    from_s3 = Predictor.load(f"s3://{bucket}/seed-cnn/model.pt", device="cpu")
    assert from_s3.version == Predictor.load(local, device="cpu").version
    assert any(cache_dir.rglob("model.pt"))


def test_service_reloads_a_model_from_s3(s3_env: S3Server, tmp_path: Path, cache_dir: Path) -> None:
    first = random_checkpoint(tmp_path / "first.pt", architecture="seed-cnn", seed=4)
    second = random_checkpoint(tmp_path / "second.pt", architecture="seed-cnn", seed=5)
    bucket = s3_env.make_bucket("models-service")
    upload_artifact(second, f"s3://{bucket}/v2.pt")
    settings = Settings(_env_file=None, model_uri=str(first), device="cpu", admin_token=SecretStr(ADMIN))
    with TestClient(create_app(settings)) as client:
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        auth = {"Authorization": f"Bearer {ADMIN}"}
        reloaded = client.post("/v1/model/reload", json={"uri": f"s3://{bucket}/v2.pt"}, headers=auth)
        missing = client.post("/v1/model/reload", json={"uri": f"s3://{bucket}/absent.pt"}, headers=auth)
    assert reloaded.status_code == 200, reloaded.json()
    assert reloaded.json()["model"]["uri"] == f"s3://{bucket}/v2.pt"
    assert missing.status_code == 404 and missing.json()["error"] == "ArtifactNotFound"
