"""create_app() for the playlist service: features + taste -> tracks from our catalog, and exports."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.playlist.api import router
from services.playlist.catalog import Catalog, load_catalog
from services.playlist.genre_map import GenreMapper, load_genre_mapper
from services.playlist.recommender import Recommendation, RecommendationRequest, Recommender
from services.playlist.settings import Settings
from services.playlist.spotify.runtime import build_spotify
from services.playlist.spotify.store import KeyValueStore
from services.playlist.spotify_api import router as spotify_router
from shared.errors import NotReady, Overloaded, ServiceError, envelope_response
from shared.health import ReadinessCheck, mount_health
from shared.service import install_common

log = logging.getLogger("pressedplay.playlist")
T = TypeVar("T")


class RecommendationTimeout(Overloaded):
    """The recommender did not answer within PLAYLIST_RECOMMEND_TIMEOUT_S (503 + Retry-After)."""


class PlaylistRuntime:
    """The catalog, genre map and recommender, loaded off the event loop; the pool the recommender runs in."""

    def __init__(self, settings: Settings, *, catalog: Catalog | None, mapper: GenreMapper | None) -> None:
        self.settings = settings
        self.catalog = catalog
        self.mapper = mapper
        self.recommender: Recommender | None = None
        self.pool = ThreadPoolExecutor(settings.workers, thread_name_prefix="recommend")
        self._loading: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Begin loading in the background: /readyz answers 503 until catalog and genre map are in."""
        self._loading = asyncio.create_task(self._load(), name="playlist-load")

    async def stop(self) -> None:
        """Stop loading if still running and release the pool."""
        if self._loading is not None and not self._loading.done():
            self._loading.cancel()
        self.pool.shutdown(wait=False, cancel_futures=True)

    async def _load(self) -> None:
        try:
            catalog = self.catalog
            if catalog is None:
                catalog = await asyncio.to_thread(load_catalog, self.settings.catalog_path)
            mapper = self.mapper
            if mapper is None:
                mapper = await asyncio.to_thread(load_genre_mapper, self.settings.genre_map_path)
            self.recommender = await asyncio.to_thread(Recommender, catalog, mapper)
            self.catalog, self.mapper = catalog, mapper
            log.info("playlist.loaded", extra={"tracks": len(catalog), "catalog": catalog.source})
        except ServiceError as exc:
            log.error("playlist.load_failed", extra={"error": exc.name, "detail": str(exc.detail)})
            return
        if self.settings.warm_genre_model:
            # The text-embedding model behind unlisted genre names loads on first use (seconds); load it now, after
            # readiness, so the first user with a rare genre does not wait for it.
            await asyncio.to_thread(mapper.map_unlisted, "warm up")
            log.info("playlist.genre_model_warm")

    async def ready(self) -> bool:
        """Readiness: catalog, genre map and recommender are loaded."""
        return self.recommender is not None

    def require(self) -> tuple[Recommender, GenreMapper]:
        """The recommender and mapper, or NotReady (503 + Retry-After) while they load."""
        if self.recommender is None or self.mapper is None:
            raise NotReady("the catalog and genre map are still loading", retry_after=5)
        return self.recommender, self.mapper

    async def run(self, func: Callable[..., T], *args: Any, timeout_s: float | None = None) -> T:
        """Run CPU-bound domain work in the bounded pool, with the request timeout."""
        loop = asyncio.get_running_loop()
        timeout = timeout_s or self.settings.recommend_timeout_s
        try:
            return await asyncio.wait_for(loop.run_in_executor(self.pool, func, *args), timeout=timeout)
        except TimeoutError:
            raise RecommendationTimeout(f"no answer within {timeout:g} s; the service is busy", retry_after=2) from None

    def require_domain(self) -> tuple[Catalog, GenreMapper]:
        """The catalog and genre map, or NotReady while they load."""
        recommender, mapper = self.require()
        return recommender.catalog, mapper

    async def recommend(self, request: RecommendationRequest) -> Recommendation:
        """A playlist for the request, computed off the event loop."""
        recommender, _ = self.require()
        return await self.run(recommender.recommend, request)


class JsonBodyGuard:
    """Bodies of POST requests must be JSON (415 otherwise) and under the limit, counted while they stream (413)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, raw_paths: re.Pattern[str] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.raw_paths = raw_paths  # routes that take a raw body (a cover photo) and bound it themselves

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        if self.raw_paths is not None and self.raw_paths.fullmatch(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json" and not media.endswith("+json"):
            shown = media or "no Content-Type"
            detail = f"send the body as application/json; got {shown}"
            await envelope_response(415, "UnsupportedMediaType", detail)(scope, receive, send)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            detail = f"the body is larger than the {self.max_bytes:,}-byte limit"
            await envelope_response(413, "PayloadTooLarge", detail)(scope, receive, send)
            return
        # JSON bodies are small: read them here, counting as they stream, and refuse the moment they pass the
        # limit (raising inside the app's own body read would surface as FastAPI's generic 400).
        chunks: list[bytes] = []
        received = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            more = message.get("more_body", False)
            if received > self.max_bytes:
                detail = f"the body is larger than the {self.max_bytes:,}-byte limit"
                await envelope_response(413, "PayloadTooLarge", detail)(scope, receive, send)
                return
        body = b"".join(chunks)
        problem = _json_problem(body)
        if problem is not None:  # FastAPI would answer bytes that are not UTF-8 with a bare 400
            await envelope_response(422, "ValidationError", [problem])(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the client's disconnect, as a server would

        await self.app(scope, replay, send)


def _json_problem(body: bytes) -> dict[str, Any] | None:
    """None for a valid JSON body, else a validation-error entry saying where it breaks."""
    try:
        json.loads(body)
    except UnicodeDecodeError as exc:
        return {"loc": ["body", exc.start], "msg": "the body is not UTF-8 text", "type": "json_invalid"}
    except ValueError as exc:
        position = getattr(exc, "pos", 0)
        return {"loc": ["body", position], "msg": f"JSON decode error: {exc}", "type": "json_invalid"}
    return None


def create_app(
    settings: Settings | None = None,
    *,
    catalog: Catalog | None = None,
    mapper: GenreMapper | None = None,
    spotify_store: KeyValueStore | None = None,
) -> FastAPI:
    """The playlist app; tests pass a small `catalog` and `mapper` instead of loading the shipped files."""
    settings = settings or Settings()
    runtime = PlaylistRuntime(settings, catalog=catalog, mapper=mapper)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        app.state.spotify = build_spotify(settings, domain=runtime.require_domain, run=runtime.run, store=spotify_store)
        try:
            yield
        finally:
            await app.state.spotify.aclose()
            await runtime.stop()

    app = FastAPI(
        title="PRESSED / PLAY playlist",
        version="1.0.0",
        summary="Audio features and a taste in, tracks from the catalog out (JSON, M3U8 or CSV).",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.runtime = runtime
    # Added before install_common, so the request-id middleware (added last, runs first) wraps the guard too.
    app.add_middleware(JsonBodyGuard, max_bytes=settings.max_body_bytes, raw_paths=_COVER_PATH)
    install_common(app, "playlist")

    def checks() -> Mapping[str, ReadinessCheck]:
        spotify = getattr(app.state, "spotify", None)
        if spotify is None:
            return {"catalog_and_genre_map": runtime.ready, "spotify_store": _never_ready}
        return {"catalog_and_genre_map": runtime.ready, "spotify_store": spotify.ready}

    mount_health(app, checks)
    app.include_router(router)
    app.include_router(spotify_router)
    return app


_COVER_PATH = re.compile(r"/v1/spotify/playlists/[^/]+/cover")


async def _never_ready() -> bool:
    return False
