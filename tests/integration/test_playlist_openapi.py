"""schemathesis against a running playlist service (a small catalog and genre map, Spotify sign-in against the fake
Spotify dev server): no 5xx, and every answer documented and in its schema. Its state (Spotify accounts) starts
with a browser sign-in no link can follow, so the stateful phase has only the links schemathesis infers."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx
import pytest

from shared.paths import REPO_ROOT
from tests.integration.test_playlist_process import small_service_env
from tests.servers.process import ServerProcess, free_port
from tests.servers.schemathesis_run import run_schemathesis

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_the_playlist_service_honours_its_openapi_under_generated_requests(tmp_path: Path) -> None:
    port, spotify_port = free_port(), free_port()
    spotify = f"http://127.0.0.1:{spotify_port}"
    callback = "http://127.0.0.1:8000/v1/auth/callback"
    env = {
        **small_service_env(tmp_path, port),
        # Configured, so the Spotify routes answer as in production, not 503 SpotifyNotConfigured.
        "PLAYLIST_SPOTIFY_CLIENT_ID": "pressedplay-dev",
        "PLAYLIST_SPOTIFY_ACCOUNTS_URL": spotify,
        "PLAYLIST_SPOTIFY_API_URL": f"{spotify}/v1/",
        "PLAYLIST_SPOTIFY_REDIRECT_URI": callback,
    }
    fake = [sys.executable, "-m", "tests.fakes.spotify_dev", "--port", str(spotify_port), "--redirect-uri", callback]
    argv = [sys.executable, "-m", "services.playlist"]
    with (
        ServerProcess("spotify", fake, port=spotify_port, log_dir=tmp_path, cwd=REPO_ROOT),
        ServerProcess("playlist", argv, port=port, log_dir=tmp_path, env=env, cwd=REPO_ROOT) as server,
    ):
        deadline = time.monotonic() + 60
        while httpx.get(f"http://127.0.0.1:{port}/readyz").status_code != 200:
            assert time.monotonic() < deadline, server.log_path.read_text()[-2000:]
            time.sleep(0.1)
        run_schemathesis(f"http://127.0.0.1:{port}/openapi.json", cwd=tmp_path, max_examples=25)
