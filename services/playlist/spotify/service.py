"""The Spotify side of the playlist service, for the routes: sign-in, the genre profile, the playlist on Spotify.

Every method takes the gateway's `account` key (a hash derived from the browser's session cookie, never the cookie
itself) and works as the Spotify user signed in under it.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any, Final, TypeVar

import numpy as np

from services.playlist.genres.mapping import GenreMapper, resolve_seed_genres
from services.playlist.recommend.catalog import Catalog
from services.playlist.spotify.access import SpotifyAccess
from services.playlist.spotify.profile import (
    TIME_RANGE_WEIGHTS,
    UserGenreProfile,
    counts_from_artist_genres,
    counts_from_catalog,
    make_profile,
    sample_genres,
    track_artist_names,
    weigh_artists,
)
from services.playlist.spotify.publish import (
    GeneratedPlaylistLog,
    cover_jpeg_base64,
    fill_playlist,
)
from services.playlist.spotify.store import KeyValueStore
from services.playlist.spotify.tokens import PREFIX, SpotifyTokens
from services.playlist.spotify.webapi import SpotifyPlaylistApi, SpotifyProfileApi
from shared.errors import InvalidInput
from shared.spotify_account import ProfileSource, PublishedPlaylist

log = logging.getLogger("pressedplay.playlist.spotify")
T = TypeVar("T")
Runner = Callable[..., Awaitable[Any]]
TOP_LIMIT: Final = 50
MAX_EDITED_GENRES: Final = 5


class ProfileCache:
    """UserGenreProfile per Spotify user, with a TTL: a hit costs no Spotify call."""

    def __init__(self, store: KeyValueStore, *, ttl_s: int) -> None:
        self.store = store
        self.ttl_s = ttl_s

    @staticmethod
    def _key(user_id: str) -> str:
        return f"{PREFIX}:profile:{user_id}"

    async def get(self, user_id: str) -> UserGenreProfile | None:
        raw = await self.store.get(self._key(user_id))
        return None if raw is None else UserGenreProfile.model_validate_json(raw)

    async def put(self, profile: UserGenreProfile) -> None:
        await self.store.set(self._key(profile.user_id), profile.model_dump_json().encode(), ttl_s=self.ttl_s)

    async def delete(self, user_id: str) -> None:
        await self.store.delete(self._key(user_id))


class SpotifyService:
    """What the /v1/spotify routes call."""

    def __init__(
        self,
        *,
        access: SpotifyAccess,
        profile_api: SpotifyProfileApi,
        playlist_api: SpotifyPlaylistApi,
        profiles: ProfileCache,
        generated: GeneratedPlaylistLog,
        domain: Callable[[], tuple[Catalog, GenreMapper]],
        run: Runner,
    ) -> None:
        self.access = access
        self.profile_api = profile_api
        self.playlist_api = playlist_api
        self.profiles = profiles
        self.generated = generated
        self.domain = domain  # the loaded catalog and genre map (NotReady while loading)
        self.run = run  # CPU-bound work (the genre map's embedding model) off the event loop

    # --- who -----------------------------------------------------------------------------------------------------
    async def sign_out(self, account: str) -> None:
        """Forget the tokens and the cached profile."""
        tokens = await self.access.sign_out(account)
        if tokens is not None:
            await self.profiles.delete(tokens.user_id)

    async def who(self, account: str) -> SpotifyTokens | None:
        """The signed-in user's tokens (read from the store only), or None."""
        return await self.access.vault.get(account)

    # --- the genre profile ---------------------------------------------------------------------------------------
    async def profile(self, account: str, *, refresh: bool = False) -> UserGenreProfile:
        """The cached profile, or a new one from Spotify (always new when `refresh`)."""
        tokens = await self.access.signed_in(account)
        if not refresh:
            cached = await self.profiles.get(tokens.user_id)
            if cached is not None:
                return cached
        profile = await self._fetch_profile(account, tokens.user_id)
        await self.profiles.put(profile)
        log.info("spotify.profile_built", extra={"spotify_user": tokens.user_id, "source": profile.source})
        return profile

    async def _top(self, account: str, kind: str) -> dict[str, list[dict[str, Any]]]:
        pages = {}
        for time_range in TIME_RANGE_WEIGHTS:
            call = partial(self._top_call, kind=kind, time_range=time_range)
            pages[time_range] = await self.access.call(account, call)
        return pages

    def _top_call(self, token: str, *, kind: str, time_range: str) -> list[dict[str, Any]]:
        return self.profile_api.top(token, kind=kind, time_range=time_range, limit=TOP_LIMIT)

    async def _fetch_profile(self, account: str, user_id: str) -> UserGenreProfile:
        catalog, mapper = self.domain()
        artists = await self._top(account, "artists")
        counts: Mapping[str, float] = await self.run(counts_from_artist_genres, weigh_artists(artists), mapper)
        source: ProfileSource = "top_artists"
        if not counts:
            tracks = await self._top(account, "tracks")
            counts = await self.run(counts_from_catalog, track_artist_names(tracks), catalog)
            source = "top_tracks"
        return make_profile(user_id=user_id, source=source, counts=counts, rng=_rng())

    async def set_genres(self, account: str, names: list[str]) -> UserGenreProfile:
        """The user's own pick (seed genres or micro-genres, mapped); at most five seed genres are kept."""
        profile = await self.profile(account)
        _, mapper = self.domain()
        seeds: list[str] = await self.run(resolve_seed_genres, names, mapper)
        if len(seeds) > MAX_EDITED_GENRES:
            raise InvalidInput(
                {"message": f"at most {MAX_EDITED_GENRES} genres; these resolve to {len(seeds)}", "resolved": seeds}
            )
        updated = profile.model_copy(update={"genres": seeds, "edited": True})
        await self.profiles.put(updated)
        return updated

    async def shuffle(self, account: str) -> UserGenreProfile:
        """Draw the genres again from the weights ("mix it up")."""
        profile = await self.profile(account)
        updated = profile.model_copy(update={"genres": sample_genres(profile.counts, rng=_rng()), "edited": False})
        await self.profiles.put(updated)
        return updated

    # --- the playlist on Spotify ---------------------------------------------------------------------------------
    async def publish(
        self, account: str, *, name: str, description: str, public: bool, candidates: list[str], n: int
    ) -> PublishedPlaylist:
        """Create the playlist, add n tracks (refused ones replaced), then unfollow the previous unsaved one."""
        tokens = await self.access.signed_in(account)
        created = await self.access.call(
            account, partial(_create, self.playlist_api, name=name, description=description, public=public)
        )
        playlist_id = str(created["id"])

        async def add(uris: list[str]) -> None:
            await self.access.call(account, partial(_add, self.playlist_api, playlist_id=playlist_id, uris=uris))

        try:
            added, refused = await fill_playlist(add, candidates, n)
        except Exception:
            await self._discard(account, playlist_id)  # nothing half-made stays on the account
            raise
        record = await self.generated.get(tokens.user_id)
        unfollowed = []
        for previous in record.unsaved:
            try:
                await self.access.call(account, partial(_remove_from_library, self.playlist_api, playlist_id=previous))
                unfollowed.append(previous)
            except Exception as exc:  # an old playlist that cannot be removed must not fail the new one
                log.warning("spotify.unfollow_failed", extra={"playlist": previous, "error": type(exc).__name__})
        record.unsaved = [*[p for p in record.unsaved if p not in unfollowed], playlist_id]
        await self.generated.put(tokens.user_id, record)
        log.info(
            "spotify.playlist_published",
            extra={"spotify_user": tokens.user_id, "playlist": playlist_id, "added": len(added), "skipped": refused},
        )
        return PublishedPlaylist(
            id=playlist_id,
            uri=str(created.get("uri") or f"spotify:playlist:{playlist_id}"),
            url=str(
                (created.get("external_urls") or {}).get("spotify")
                or f"https://open.spotify.com/playlist/{playlist_id}"
            ),
            track_ids=added,
            skipped=refused,
            unfollowed=unfollowed,
        )

    async def _discard(self, account: str, playlist_id: str) -> None:
        """Remove a playlist just created whose tracks could not be added (Spotify failing, slow or limiting)."""
        try:
            await self.access.call(account, partial(_remove_from_library, self.playlist_api, playlist_id=playlist_id))
            log.info("spotify.playlist_discarded", extra={"playlist": playlist_id})
        except Exception as exc:  # the error the user gets is the one that stopped the playlist, not this one
            log.warning("spotify.discard_failed", extra={"playlist": playlist_id, "error": type(exc).__name__})

    async def upload_cover(self, account: str, playlist_id: str, photo: bytes) -> None:
        """The photo, made square and small enough, as the playlist's cover."""
        encoded: str = await self.run(cover_jpeg_base64, photo)
        await self.access.call(account, partial(_cover, self.playlist_api, playlist_id=playlist_id, jpeg=encoded))

    async def save(self, account: str, playlist_id: str) -> None:
        """Keep this generated playlist when the next one is made."""
        tokens = await self.access.signed_in(account)
        await self.generated.save(tokens.user_id, playlist_id)


def _rng() -> np.random.Generator:
    return np.random.default_rng(secrets.randbits(64))


def _create(api: SpotifyPlaylistApi, token: str, *, name: str, description: str, public: bool) -> dict[str, Any]:
    return api.create_playlist(token, name=name, description=description, public=public)


def _add(api: SpotifyPlaylistApi, token: str, *, playlist_id: str, uris: list[str]) -> None:
    api.add_items(token, playlist_id, uris)


def _remove_from_library(api: SpotifyPlaylistApi, token: str, *, playlist_id: str) -> None:
    api.remove_from_library(token, playlist_id)


def _cover(api: SpotifyPlaylistApi, token: str, *, playlist_id: str, jpeg: str) -> None:
    api.upload_cover(token, playlist_id, jpeg)
