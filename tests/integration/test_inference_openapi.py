"""schemathesis against a running inference service: no 5xx, and every response matches the documented schema.
Inference keeps no state a request creates, so the stateful phase has no links to follow."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
import pytest

from shared.paths import REPO_ROOT
from tests.servers.process import ServerProcess, free_port
from tests.servers.schemathesis_run import run_schemathesis
from tests.unit.model_fixtures import random_checkpoint

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_inference_honours_its_openapi_under_generated_requests(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "INFERENCE_PORT": str(port),
        "INFERENCE_MODEL_URI": str(random_checkpoint(tmp_path / "model.pt", architecture="seed-cnn")),
        "INFERENCE_DEVICE": "cpu",
        "INFERENCE_ADMIN_TOKEN": "a-long-enough-admin-token-for-tests",
    }
    argv = [sys.executable, "-m", "services.inference"]
    with ServerProcess("inference", argv, port=port, log_dir=tmp_path, env=env, cwd=REPO_ROOT) as server:
        deadline = time.monotonic() + 60
        while httpx.get(f"http://127.0.0.1:{port}/readyz").status_code != 200:
            assert time.monotonic() < deadline, server.log_path.read_text()[-2000:]
            time.sleep(0.1)
        run_schemathesis(f"http://127.0.0.1:{port}/openapi.json", cwd=tmp_path, max_examples=10)
