"""`python -m services.playlist` as a real process over a small catalog and genre map written for the test."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest

from shared.features import AUDIO_FEATURES
from shared.paths import REPO_ROOT
from tests.servers.process import ServerProcess, free_port

pytestmark = pytest.mark.integration


def write_catalog(path: Path) -> Path:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.uniform(0, 1, (30, 8)), columns=list(AUDIO_FEATURES))
    frame["loudness"] = -20 + 15 * frame["loudness"]
    frame["track_id"] = [f"{i:022d}" for i in range(30)]
    frame["name"] = [f"Song {i}" for i in range(30)]
    frame["artist"] = [f"Band {i % 10}" for i in range(30)]
    frame["genres"] = [["jazz"] if i % 2 else ["techno"] for i in range(30)]
    frame.to_parquet(path)
    return path


def small_service_env(folder: Path, port: int) -> dict[str, str]:
    """A playlist service on `port` over a 30-track catalog and a two-name genre map written into `folder`."""
    genre_map = folder / "genres.json"
    genre_map.write_text(json.dumps({"nu jazz": ["jazz"], "berlin techno": ["techno", "german"]}))
    return {
        "PLAYLIST_PORT": str(port),
        "PLAYLIST_CATALOG_PATH": str(write_catalog(folder / "catalog.parquet")),
        "PLAYLIST_GENRE_MAP_PATH": str(genre_map),
        "PLAYLIST_WARM_GENRE_MODEL": "false",
    }


def test_playlist_process_recommends_and_exports_from_its_catalog(tmp_path: Path) -> None:
    port = free_port()
    env = small_service_env(tmp_path, port)
    features = dict.fromkeys(AUDIO_FEATURES, 0.5) | {"loudness": -8.0}
    argv = [sys.executable, "-m", "services.playlist"]
    server = ServerProcess("playlist", argv, port=port, log_dir=tmp_path, env=env, cwd=REPO_ROOT)
    with server, httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, server.log_path.read_text()[-2000:]
            time.sleep(0.1)
        body = {"features": features, "genres": ["nu jazz"], "n": 4}
        made = client.post("/v1/recommendations", json=body, headers={"X-Request-ID": "pl-trace-1"})
        m3u8 = client.post("/v1/recommendations/export", params={"format": "m3u8"}, json=made.json())
    assert made.status_code == 200 and made.headers["X-Request-ID"] == "pl-trace-1"
    assert made.json()["genres"] == ["jazz"] and len(made.json()["tracks"]) == 4
    assert m3u8.headers["content-type"].startswith("audio/x-mpegurl") and m3u8.text.count("open.spotify.com") == 4
    events = [json.loads(line) for line in server.log_path.read_text().splitlines() if line.startswith("{")]
    assert any(e["event"] == "playlist.loaded" for e in events)
    assert any(e.get("request_id") == "pl-trace-1" and e["event"] == "request.completed" for e in events)
