"""The playlist service's running parts: catalog, genre map and recommender loaded off the event loop, and the
bounded pool domain work runs in."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from services.playlist.genres.mapping import GenreMapper, load_genre_mapper
from services.playlist.recommend.album import recommend_album
from services.playlist.recommend.catalog import Catalog, load_catalog
from services.playlist.recommend.recommender import Recommender
from services.playlist.schemas import AlbumRequest, Recommendation, RecommendationRequest
from services.playlist.settings import Settings
from services.playlist.spotify.runtime import SpotifyRuntime, build_spotify
from services.playlist.spotify.store import KeyValueStore
from shared.errors import ComputeTimeout, NotReady, ServiceError
from shared.readiness import ReadinessCheck, not_ready

log = logging.getLogger("pressedplay.playlist")
T = TypeVar("T")


class PlaylistRuntime:
    """The catalog, genre map and recommender, loaded off the event loop; the pool the recommender runs in."""

    def __init__(
        self,
        settings: Settings,
        *,
        catalog: Catalog | None = None,
        mapper: GenreMapper | None = None,
        spotify_store: KeyValueStore | None = None,
    ) -> None:
        self.settings = settings
        self.catalog = catalog
        self.mapper = mapper
        self.recommender: Recommender | None = None
        self.spotify: SpotifyRuntime | None = None
        self.pool = ThreadPoolExecutor(settings.workers, thread_name_prefix="recommend")
        self._spotify_store = spotify_store
        self._loading: asyncio.Task[None] | None = None
        self.genre_model_warm = not settings.warm_genre_model

    async def start(self) -> None:
        """Begin loading in the background (/readyz answers 503 until catalog, genre map and the genre text model are
        in); build Spotify."""
        self._loading = asyncio.create_task(self._load(), name="playlist-load")
        self.spotify = build_spotify(self.settings, domain=self.require_domain, run=self.run, store=self._spotify_store)

    async def stop(self) -> None:
        """Close Spotify, stop loading if still running and release the pool."""
        if self.spotify is not None:
            await self.spotify.aclose()
        if self._loading is not None and not self._loading.done():
            self._loading.cancel()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def checks(self) -> Mapping[str, ReadinessCheck]:
        """Catalog and genre map loaded, the genre text model warm; the Spotify state store answers."""
        spotify_ready = self.spotify.ready if self.spotify is not None else not_ready
        return {
            "catalog_and_genre_map": self.ready,
            "genre_text_model": self._genre_model_ready,
            "spotify_store": spotify_ready,
        }

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
        if not self.genre_model_warm:
            await self._warm_genre_model(mapper)

    async def _warm_genre_model(self, mapper: GenreMapper) -> None:
        # The text-embedding model behind unlisted genre names loads on first use (seconds, more on a busy machine):
        # load it before reporting ready, else the first rare genre outlasts the gateway's 5 s resolution timeout.
        try:
            await asyncio.to_thread(mapper.map_unlisted, "warm up")
            log.info("playlist.genre_model_warm")
        except Exception as exc:  # a model that cannot load must not keep the service unready: it loads on use
            log.error("playlist.genre_model_warm_failed", extra={"error": type(exc).__name__})
        self.genre_model_warm = True

    async def ready(self) -> bool:
        """Catalog, genre map and recommender are loaded."""
        return self.recommender is not None

    async def _genre_model_ready(self) -> bool:
        return self.genre_model_warm

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
            raise ComputeTimeout(f"no answer within {timeout:g} s; the service is busy", retry_after=2) from None

    def require_domain(self) -> tuple[Catalog, GenreMapper]:
        """The catalog and genre map, or NotReady while they load."""
        recommender, mapper = self.require()
        return recommender.catalog, mapper

    async def recommend(self, request: RecommendationRequest) -> Recommendation:
        """A playlist for the request, computed off the event loop."""
        recommender, _ = self.require()
        return await self.run(recommender.recommend, request)

    async def recommend_album(self, request: AlbumRequest) -> Recommendation:
        """One list for an album's photos, computed off the event loop."""
        recommender, _ = self.require()
        return await self.run(recommend_album, recommender, request)
