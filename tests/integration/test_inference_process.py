"""`python -m services.inference` as a real process: settings from the environment, JSON logs with request ids."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image

from shared.paths import REPO_ROOT
from tests.servers.process import ServerProcess, free_port
from tests.unit.model_fixtures import random_checkpoint

pytestmark = pytest.mark.integration


def test_inference_process_serves_predictions_and_logs_request_ids(tmp_path: Path) -> None:
    model = random_checkpoint(tmp_path / "model.pt", architecture="seed-cnn", seed=7)
    port = free_port()
    env = {
        "INFERENCE_PORT": str(port),
        "INFERENCE_MODEL_URI": str(model),
        "INFERENCE_DEVICE": "cpu",
        "INFERENCE_TORCH_THREADS": "1",
        "INFERENCE_MAX_UPLOAD_BYTES": "100000",
    }
    argv = [sys.executable, "-m", "services.inference"]
    photo = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 90)).save(photo, "PNG")
    server = ServerProcess("inference", argv, port=port, log_dir=tmp_path, env=env, cwd=REPO_ROOT)
    with server, httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, server.log_path.read_text()[-2000:]
            time.sleep(0.1)
        headers = {"Content-Type": "image/png", "X-Request-ID": "e2e-trace-7"}
        ok = client.post("/v1/predict", content=photo.getvalue(), headers=headers)
        too_big = client.post("/v1/predict", content=b"\0" * 100_001, headers={"Content-Type": "image/png"})
    assert ok.status_code == 200 and ok.headers["X-Request-ID"] == "e2e-trace-7"
    assert too_big.status_code == 413 and too_big.json()["error"] == "PayloadTooLarge"
    events = [json.loads(line) for line in server.log_path.read_text().splitlines() if line.startswith("{")]
    names = {event["event"] for event in events}
    assert {"model.loaded", "request.completed"} <= names
    traced = [e for e in events if e.get("request_id") == "e2e-trace-7"]
    assert traced and traced[-1]["route"] == "/v1/predict" and traced[-1]["service"] == "inference"
