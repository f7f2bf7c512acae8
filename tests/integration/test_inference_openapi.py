"""schemathesis against a running inference service: no 5xx, and every response matches the documented schema."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shared.paths import REPO_ROOT
from tests.servers.process import ServerProcess, free_port
from tests.unit.model_fixtures import random_checkpoint

pytestmark = [pytest.mark.integration, pytest.mark.slow]
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


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
        schemathesis = Path(sys.executable).parent / "schemathesis"
        run = [
            str(schemathesis),
            "run",
            f"http://127.0.0.1:{port}/openapi.json",
            f"--checks={CHECKS}",
            "--max-examples=10",  # bounded: the suite stays well under its CI budget
            "--seed=20261125",
            "--request-timeout=60",
            "--workers=1",
            "--phases=examples,coverage,fuzzing",
            "--no-color",
        ]
        result = subprocess.run(run, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
