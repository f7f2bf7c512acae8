"""create_app() for the playlist service: features + taste -> tracks from our catalog, exports, and Spotify."""

from __future__ import annotations

import re

from fastapi import FastAPI

from services.playlist.api import router
from services.playlist.genres.mapping import GenreMapper
from services.playlist.recommend.catalog import Catalog
from services.playlist.runtime import PlaylistRuntime
from services.playlist.settings import Settings
from services.playlist.spotify.store import KeyValueStore
from services.playlist.spotify_api import router as spotify_router
from shared.web.body_limits import BodyGuard, BodyRule, json_rule
from shared.web.health import mount_health
from shared.web.service import attach_runtime, install_common


def create_app(
    settings: Settings | None = None,
    *,
    catalog: Catalog | None = None,
    mapper: GenreMapper | None = None,
    spotify_store: KeyValueStore | None = None,
) -> FastAPI:
    """The playlist app; tests pass a small `catalog` and `mapper` instead of loading the shipped files."""
    settings = settings or Settings()
    runtime = PlaylistRuntime(settings, catalog=catalog, mapper=mapper, spotify_store=spotify_store)
    app = FastAPI(
        title="PRESSED / PLAY playlist",
        version="1.0.0",
        summary="Audio features and a taste in, tracks from the catalog out (JSON, M3U8 or CSV).",
    )
    attach_runtime(app, runtime)
    # Added before install_common, so the request-id middleware (added last, runs first) wraps the guard too.
    cover = BodyRule(
        path=re.compile(r"/v1/spotify/playlists/[^/]+/cover"),
        media=(),
        max_bytes=settings.max_cover_upload_bytes,
        what="photo",
    )
    app.add_middleware(BodyGuard, rules=[cover, json_rule(r"/.*", max_bytes=settings.max_body_bytes)])
    install_common(app, "playlist", service_token=settings.service_token_value())
    mount_health(app, runtime.checks)
    app.include_router(router)
    app.include_router(spotify_router)
    return app
