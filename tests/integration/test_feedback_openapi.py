"""schemathesis against a running feedback service (SQLite store), the stateful phase included: a rating posted is
listed by its playlist and its rater and the rater's ratings deleted (the links on POST /v1/ratings). The admin
export runs with its token. No 5xx; every answer documented and in its schema."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
import pytest

from shared.paths import REPO_ROOT
from tests.servers.process import ServerProcess, free_port
from tests.servers.schemathesis_run import run_schemathesis

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ADMIN_TOKEN = "a-long-enough-feedback-admin-token"


def test_feedback_honours_its_openapi_under_generated_requests(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "FEEDBACK_PORT": str(port),
        "FEEDBACK_SQLITE_PATH": str(tmp_path / "ratings.sqlite3"),
        "FEEDBACK_OUTBOX_PATH": str(tmp_path / "outbox.sqlite3"),
        "FEEDBACK_PHOTO_STORE": str(tmp_path / "photos"),
        "FEEDBACK_ADMIN_TOKEN": ADMIN_TOKEN,
    }
    argv = [sys.executable, "-m", "services.feedback"]
    with ServerProcess("feedback", argv, port=port, log_dir=tmp_path, env=env, cwd=REPO_ROOT) as server:
        deadline = time.monotonic() + 60
        while httpx.get(f"http://127.0.0.1:{port}/readyz").status_code != 200:
            assert time.monotonic() < deadline, server.log_path.read_text()[-2000:]
            time.sleep(0.1)
        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        run = run_schemathesis(f"http://127.0.0.1:{port}/openapi.json", cwd=tmp_path, max_examples=25, headers=auth)
    assert run.links_covered() >= 3, run.report[-3000:]
