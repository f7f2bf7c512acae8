"""The gateway's side of Spotify: it owns the browser session, the playlist service owns Spotify.

The playlist service knows a session only by its account key, a hash of the session token distinct from the key
playlists and ratings are stored under, so neither a rating record nor a session-store key can act on Spotify.
"""

from __future__ import annotations

import hashlib
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from services.gateway.account_schemas import SpotifyPlaylistRef
from services.gateway.clients import parse_upstream
from services.gateway.schemas import StoredPlaylist
from shared.errors import BadRequest, ServiceError, Unauthorized
from shared.http import ServiceClient
from shared.spotify_account import (
    ACCOUNT_HEADER,
    CallbackIn,
    GenreProfile,
    PublishedPlaylist,
    PublishIn,
    SignInStart,
    SpotifyUser,
)

# A playlist for a signed-in user asks for spare tracks, so ones Spotify no longer has can be replaced.
MAX_TRACKS = 100
M = TypeVar("M", bound=BaseModel)


class InvalidSignIn(BadRequest):
    """The sign-in callback cannot be accepted (same name as the playlist service's); nothing was stored."""


class SpotifySignInRequired(Unauthorized):
    """Sign in with Spotify first (same name as the playlist service's)."""


def account_key(session_token: str) -> str:
    """The key the playlist service keeps this session's Spotify tokens under."""
    return hashlib.sha256(f"spotify-account:{session_token}".encode()).hexdigest()


def candidates_for(n: int) -> int:
    """How many tracks to ask the recommender for when n must land on Spotify: n plus a few spares."""
    return min(MAX_TRACKS, n + max(5, n // 4))


class SpotifyAccount:
    """One browser session's calls to the playlist service's /v1/spotify routes, each answer parsed once."""

    def __init__(self, playlist: ServiceClient, session_token: str) -> None:
        self.playlist = playlist
        self.headers = {ACCOUNT_HEADER: account_key(session_token)}

    async def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return await self.playlist.request(
            method, path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    async def _parse(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        return parse_upstream(model, await self._call(method, path, **kwargs), service="playlist")

    async def sign_in_url(self) -> str:
        """Spotify's consent page for a new sign-in bound to this session."""
        return (await self._parse(SignInStart, "POST", "/v1/spotify/sign-in", json={})).authorize_url

    async def finish(self, *, new_token: str, state: str | None, code: str | None, error: str | None) -> SpotifyUser:
        """Hand the callback over; the tokens are kept under the new session's key."""
        # Built unvalidated: the playlist service validates it, and a bad one is its 422, passed on as it is.
        body = CallbackIn.model_construct(new_account=account_key(new_token), state=state, code=code, error=error)
        return await self._parse(SpotifyUser, "POST", "/v1/spotify/callback", json=body.model_dump())

    async def sign_out(self) -> None:
        """Delete the tokens and cached genres."""
        await self._call("POST", "/v1/spotify/sign-out", json={})

    async def who(self) -> SpotifyUser:
        """Whether Spotify is configured and who is signed in, read from the store only."""
        return await self._parse(SpotifyUser, "GET", "/v1/spotify/me")

    async def genres(self, *, refresh: bool = False) -> GenreProfile:
        """The genre profile (cached by the playlist service)."""
        params = {"refresh": str(refresh).lower()}
        return await self._parse(GenreProfile, "GET", "/v1/spotify/genres", params=params)

    async def set_genres(self, names: list[str]) -> GenreProfile:
        """Choose the genres playlists use."""
        return await self._parse(GenreProfile, "PUT", "/v1/spotify/genres", json={"genres": names})

    async def shuffle(self) -> GenreProfile:
        """Draw the genres again from the profile's weights."""
        return await self._parse(GenreProfile, "POST", "/v1/spotify/genres/shuffle", json={})

    async def save(self, spotify_id: str) -> None:
        """Keep the generated playlist when the next one is made."""
        await self._call("POST", f"/v1/spotify/playlists/{spotify_id}/save", json={})

    async def publish(self, playlist: StoredPlaylist, *, photo: bytes, content_type: str, n: int) -> StoredPlaylist:
        """Put the playlist on the user's account (the first n tracks Spotify takes) with the photo as its cover."""
        body = PublishIn.model_construct(  # validated by the playlist service, as the callback is
            features=playlist.features,
            genres=playlist.genres,
            mode=playlist.mode,
            candidates=[track.id for track in playlist.tracks],
            n=n,
        )
        published = await self._parse(
            PublishedPlaylist, "POST", "/v1/spotify/playlists", json=body.model_dump(mode="json", exclude_unset=True)
        )
        order = {track_id: place for place, track_id in enumerate(published.track_ids)}
        tracks = sorted((t for t in playlist.tracks if t.id in order), key=lambda t: order[t.id])
        kept_tracks = sorted((t for t in playlist.recommendation.tracks if t.id in order), key=lambda t: order[t.id])
        recommendation = playlist.recommendation.model_copy(update={"tracks": kept_tracks})
        warnings = list(playlist.warnings)
        if published.skipped:
            warnings.append(
                f"{published.skipped} tracks are no longer on Spotify; the next candidates took their place"
            )
        try:
            await self._call(
                "PUT",
                f"/v1/spotify/playlists/{published.id}/cover",
                content=photo,
                headers={"Content-Type": content_type},
            )
        except ServiceError as exc:  # the playlist is there; a cover that failed is worth a warning, not a failure
            warnings.append(f"the photo could not be set as the playlist's cover ({exc.name})")
        spotify = SpotifyPlaylistRef.model_validate({**published.model_dump(), "saved": False})
        update = {"tracks": tracks, "recommendation": recommendation, "warnings": warnings, "spotify": spotify}
        return playlist.model_copy(update=update)
