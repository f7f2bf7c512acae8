"""The playlist service reports ready only once its genre text model is warm (issue 14): before, it was ready while
the model still loaded, and a genre name the map file lacks, sent in those seconds, outlasted the gateway's 5 s
genre-resolution timeout (504)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from services.playlist.app import create_app
from services.playlist.genres.mapping import GenreMapper
from services.playlist.settings import Settings
from tests.unit.test_genre_fallback import catalog


class SlowModelMapper(GenreMapper):
    """A genre map whose text model takes as long as the test says to load (or fails to)."""

    def __init__(self, load: Callable[[], object]) -> None:
        super().__init__({"rock": ["rock"]}, embeddings=None)
        self.load = load

    def map_unlisted(self, genre: str, *, exclude_key: str | None = None) -> list[str]:
        self.load()
        return super().map_unlisted(genre, exclude_key=exclude_key)


def readiness_until(client: TestClient, status: int, timeout_s: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while (answer := client.get("/readyz")).status_code != status:
        assert time.monotonic() < deadline, f"/readyz never answered {status}: {answer.json()}"
        time.sleep(0.01)
    body: dict[str, Any] = answer.json()
    return body


def test_not_ready_until_the_genre_text_model_is_warm() -> None:
    loaded = threading.Event()
    settings = Settings(_env_file=None, warm_genre_model=True)
    app = create_app(settings, catalog=catalog(), mapper=SlowModelMapper(lambda: loaded.wait(10)))
    with TestClient(app) as client:
        deadline = time.monotonic() + 10
        while not client.get("/readyz").json()["checks"].get("catalog_and_genre_map"):
            assert time.monotonic() < deadline, "the catalog never loaded"
            time.sleep(0.01)
        waiting = client.get("/readyz")
        assert waiting.status_code == 503
        assert waiting.json()["checks"]["genre_text_model"] is False
        loaded.set()
        assert readiness_until(client, 200)["checks"]["genre_text_model"] is True


def test_a_genre_text_model_that_fails_to_load_does_not_keep_the_service_unready() -> None:
    def fail() -> None:
        raise OSError("no model files")

    settings = Settings(_env_file=None, warm_genre_model=True)
    with TestClient(create_app(settings, catalog=catalog(), mapper=SlowModelMapper(fail))) as client:
        readiness_until(client, 200)
