"""schemathesis against the running gateway's OpenAPI: no 5xx, and every response matches the documented schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def test_the_gateway_honours_its_openapi_under_generated_requests(stack: Stack, tmp_path: Path) -> None:
    schemathesis = Path(sys.executable).parent / "schemathesis"
    argv = [
        str(schemathesis),
        "run",
        f"{stack.gateway}/openapi.json",
        f"--checks={CHECKS}",
        "--max-examples=25",  # bounded: the whole suite stays well under its CI budget
        "--seed=20261125",
        "--request-timeout=60",
        "--workers=1",
        "--phases=examples,coverage,fuzzing",
        "--no-color",
    ]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=540, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
