"""Model versions: a checkpoint published to the model store on a real S3 API (`rclone serve s3`) with its card
(version, parent, metrics); the inference service loads a chosen version on reload (admin token) and reports it
in every prediction."""

from __future__ import annotations

import json
import time
from pathlib import Path

import boto3
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from pipeline.feedback.model_store import publish
from services.inference.app import create_app
from services.inference.model.checkpoint import load_checkpoint, save_checkpoint, stamp_version
from services.inference.settings import Settings
from tests.servers.rclone_s3 import S3Server, rclone_s3_fixture, s3_env_fixture  # noqa: F401  (fixtures)
from tests.unit.model_fixtures import random_checkpoint, solid_jpeg

pytestmark = pytest.mark.integration
ADMIN = "an-admin-token-for-model-store-tests"


def s3_credentials(server: S3Server) -> dict[str, str]:
    env = server.env()
    return {
        "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
        "region_name": env["AWS_DEFAULT_REGION"],
    }


def test_a_published_version_is_loaded_on_reload_and_reported_in_predictions(
    s3_env: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    monkeypatch.setenv("PRESSEDPLAY_CACHE_DIR", str(tmp_path / "cache"))
    parent_path = random_checkpoint(tmp_path / "parent.pt", architecture="seed-cnn", seed=1)
    parent = load_checkpoint(parent_path)
    child = load_checkpoint(random_checkpoint(tmp_path / "c.pt", architecture="seed-cnn", seed=2))
    child.training = {"parent": parent.version, "kind": "feedback-finetune"}
    child.metrics = {"feedback_finetune": {"held_out_mood": {"child": {"valence_mae": 1.0}}}}
    child_path = save_checkpoint(stamp_version(child), tmp_path / "child.pt")
    bucket = s3_env.make_bucket("model-store")
    store = f"s3://{bucket}/store"
    assert publish(child_path, child, store) == f"{store}/{child.version}.pt"
    # A fresh session: boto3's default one may hold credentials another test's environment put there.
    s3 = boto3.session.Session(**s3_credentials(s3_env)).client("s3", endpoint_url=s3_env.endpoint_url)
    card = json.loads(s3.get_object(Bucket=bucket, Key=f"store/{child.version}.json")["Body"].read())
    assert card["version"] == child.version and card["parent"] == parent.version and card["metrics"]

    settings = Settings(_env_file=None, model_uri=str(parent_path), device="cpu", admin_token=SecretStr(ADMIN))
    photo = solid_jpeg((200, 80, 40), rng=np.random.default_rng(0))
    with TestClient(create_app(settings)) as client:
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        before = client.post("/v1/predict", content=photo, headers={"Content-Type": "image/jpeg"}).json()
        auth = {"Authorization": f"Bearer {ADMIN}"}
        assert client.post("/v1/model/reload", json={"version": child.version, "store": store}).status_code == 401
        reloaded = client.post("/v1/model/reload", json={"version": child.version, "store": store}, headers=auth)
        after = client.post("/v1/predict", content=photo, headers={"Content-Type": "image/jpeg"}).json()
        both = client.post("/v1/model/reload", json={"version": child.version, "uri": "x"}, headers=auth)
    assert reloaded.status_code == 200, reloaded.text
    assert reloaded.json()["previous_version"] == parent.version
    assert (before["model_version"], after["model_version"]) == (parent.version, child.version)
    assert both.status_code == 422
