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
from services.gateway.adapters.upstreams import parse_upstream
from services.gateway.schemas import StoredPlaylist, Track
from shared.errors import BadRequest, Conflict, ServiceError, Unauthorized
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

M = TypeVar("M", bound=BaseModel)
# Spotify failing, limiting past our patience or too slow (the playlist service's 502 / 503 / 504): the person still
# gets the playlist, told it is not on Spotify, and can save it again (POST /v1/playlists/{id}/spotify).
UNSAVED = (
    'Not saved to Spotify: {why}. Your playlist is here; press "Save to Spotify again" (POST '
    "/v1/playlists/{id}/spotify) to try once Spotify answers."
)


# The profile could not be read (Spotify failing and no profile cached): the playlist is still made, as a guest's is
# without genres, and the person is told why it did not follow their listening.
PROFILE_UNREAD = "Your genres could not be read from Spotify ({why}), so this playlist draws from every genre."


class InvalidSignIn(BadRequest):
    """The sign-in callback cannot be accepted (same name as the playlist service's); nothing was stored."""


class SpotifySignInRequired(Unauthorized):
    """Sign in with Spotify first (same name as the playlist service's)."""


class NotOnSpotifyYet(Conflict):
    """The playlist waits for "save to Spotify again" (its first save failed): it cannot be kept there yet."""


class PhotoMissing(ServiceError):
    """A stored playlist without its photo (too large to keep): no cover for it."""


def account_key(session_token: str) -> str:
    """The key the playlist service keeps this session's Spotify tokens under."""
    return hashlib.sha256(f"spotify-account:{session_token}".encode()).hexdigest()


def not_on_spotify(playlist: StoredPlaylist, failure: ServiceError) -> StoredPlaylist:
    """The playlist as the person gets it when Spotify could not take it: the tracks, a warning, a way to retry."""
    if failure.status_code == 504:  # the detail names our upstream ("playlist timed out"), not what happened
        why = "Spotify did not answer in time"
    else:  # a 503 carries the playlist service's own sentence ("Spotify is rate limiting this app ...")
        why = failure.detail if isinstance(failure.detail, str) else f"Spotify failed ({failure.name})"
    warning = UNSAVED.format(why=why.rstrip(".")[:200], id=playlist.id)
    return playlist.model_copy(update={"warnings": [*playlist.warnings, warning], "spotify_pending": True})


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

    async def genres_or_warn(self) -> tuple[dict[str, float], str | None]:
        """The profile's genres with their weights (GenreProfile.playlist_weights); when Spotify fails (502 / 503 /
        504) with nothing cached, none and a warning."""
        try:
            return (await self.genres()).playlist_weights(), None
        except ServiceError as failure:
            if failure.status_code < 500:
                raise
            why = "Spotify did not answer in time" if failure.status_code == 504 else "Spotify is not answering"
            return {}, PROFILE_UNREAD.format(why=why)

    async def publish_or_warn(self, playlist: StoredPlaylist, *, photo: bytes, content_type: str) -> StoredPlaylist:
        """publish(); when Spotify fails (502 / 503 / 504) the playlist with a warning instead of an error. Nothing
        half-made stays on the account: the playlist service removes a playlist whose tracks could not be added."""
        try:
            return await self.publish(playlist, photo=photo, content_type=content_type)
        except ServiceError as failure:
            if failure.status_code < 500:
                raise
            return not_on_spotify(playlist, failure)

    async def publish(self, playlist: StoredPlaylist, *, photo: bytes | None, content_type: str) -> StoredPlaylist:
        """Put the playlist on the user's account (its n tracks, a track Spotify no longer has replaced by the next
        spare) with the photo as its cover."""
        chosen = playlist.recommendation
        pool = {track.id: track for track in [*chosen.tracks, *chosen.spares]}
        body = PublishIn.model_construct(  # validated by the playlist service, as the callback is
            features=playlist.features,
            genres=playlist.genres,
            mode=playlist.mode,
            candidates=list(pool),
            n=len(chosen.tracks),
            photos=[photo.features for photo in playlist.photos] if len(playlist.photos) > 1 else [],
        )
        published = await self._parse(
            PublishedPlaylist, "POST", "/v1/spotify/playlists", json=body.model_dump(mode="json", exclude_unset=True)
        )
        kept_tracks = [pool[track_id] for track_id in published.track_ids if track_id in pool]
        tracks = [Track.model_validate(track.model_dump()) for track in kept_tracks]
        recommendation = chosen.model_copy(update={"tracks": kept_tracks})
        warnings = [w for w in playlist.warnings if not w.startswith(UNSAVED[:20])]
        if published.skipped:
            warnings.append(
                f"{published.skipped} tracks are no longer on Spotify; the next candidates took their place"
            )
        try:
            if photo is None:
                raise PhotoMissing("the photo was not kept")
            await self._call(
                "PUT",
                f"/v1/spotify/playlists/{published.id}/cover",
                content=photo,
                headers={"Content-Type": content_type},
            )
        except ServiceError as exc:  # the playlist is there; a cover that failed is worth a warning, not a failure
            warnings.append(f"the photo could not be set as the playlist's cover ({exc.name})")
        spotify = SpotifyPlaylistRef.model_validate({**published.model_dump(), "saved": False})
        update = {
            "tracks": tracks,
            "recommendation": recommendation,
            "warnings": warnings,
            "spotify": spotify,
            "spotify_pending": False,
        }
        return playlist.model_copy(update=update)
