"""Build the Spotify side from the playlist service's settings (None when no client id is configured)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from services.playlist.genres.mapping import GenreMapper
from services.playlist.recommend.catalog import Catalog
from services.playlist.settings import Settings
from services.playlist.spotify.access import SpotifyAccess, SpotifyConfig
from services.playlist.spotify.adapters.accounts import AccountsClient
from services.playlist.spotify.adapters.in_process import InProcessKeyValueStore
from services.playlist.spotify.adapters.redis_store import RedisKeyValueStore
from services.playlist.spotify.adapters.spotipy_api import SpotipyWebApi
from services.playlist.spotify.publish import GeneratedPlaylistLog
from services.playlist.spotify.service import ProfileCache, Runner, SpotifyService
from services.playlist.spotify.store import KeyValueStore
from services.playlist.spotify.tokens import PendingSignIns, TokenVault, new_fernet_key
from shared.secret_policy import secret_value

log = logging.getLogger("pressedplay.playlist.spotify")


@dataclass
class SpotifyRuntime:
    """The store and, when configured, the service; closed with the app."""

    store: KeyValueStore
    service: SpotifyService | None

    async def ready(self) -> bool:
        """The store answers (Redis PING); the in-process one always does."""
        return await self.store.ping()

    async def aclose(self) -> None:
        if self.service is not None:
            await self.service.access.aclose()
        await self.store.close()


def build_spotify(
    settings: Settings,
    *,
    domain: Callable[[], tuple[Catalog, GenreMapper]],
    run: Runner,
    store: KeyValueStore | None = None,
) -> SpotifyRuntime:
    """The Spotify runtime; `store` lets tests pass their own."""
    if store is None:
        if settings.redis_url:
            store = RedisKeyValueStore(settings.redis_url, timeout_s=settings.redis_timeout_s)
        else:
            store = InProcessKeyValueStore()
    if not settings.spotify_client_id:
        log.info("spotify.off", extra={"reason": "no PLAYLIST_SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_ID"})
        return SpotifyRuntime(store=store, service=None)
    key = secret_value(settings.token_key)  # a Fernet key (Settings checks it; production requires it)
    if key is None:
        # Tokens are still encrypted, with a key that dies with the process: a restart signs everyone out.
        log.warning("spotify.ephemeral_token_key", extra={"hint": "set PLAYLIST_TOKEN_KEY to keep sign-ins"})
        key = new_fernet_key()
    api = SpotipyWebApi(api_url=settings.spotify_api_url, timeout_s=settings.spotify_timeout_s)
    secret = settings.spotify_client_secret.get_secret_value() if settings.spotify_client_secret else None
    access = SpotifyAccess(
        config=SpotifyConfig(
            client_id=settings.spotify_client_id,
            redirect_uri=settings.spotify_redirect_uri,
            accounts_url=settings.spotify_accounts_url,
            timeout_s=settings.spotify_timeout_s,
            max_retry_after_s=settings.spotify_max_retry_after_s,
        ),
        accounts=AccountsClient(
            accounts_url=settings.spotify_accounts_url,
            client_id=settings.spotify_client_id,
            client_secret=secret,
            timeout_s=settings.spotify_timeout_s,
        ),
        api=api,
        vault=TokenVault(store, key=key, ttl_s=settings.token_ttl_s),
        pending=PendingSignIns(store),
    )
    service = SpotifyService(
        access=access,
        profile_api=api,
        playlist_api=api,
        profiles=ProfileCache(store, ttl_s=settings.profile_ttl_s),
        generated=GeneratedPlaylistLog(store),
        domain=domain,
        run=run,
    )
    return SpotifyRuntime(store=store, service=service)
