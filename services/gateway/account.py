"""The gateway's side of Spotify: it owns the browser session, the playlist service owns Spotify.

The playlist service knows a session only by its account key, a hash of the session token distinct from the key
playlists and ratings are stored under, so neither a rating record nor a session-store key can act on Spotify.
"""

from __future__ import annotations

import hashlib
from typing import Any

from services.gateway.account_schemas import GenreProfile, SpotifyPlaylistRef
from services.gateway.clients import parse_upstream
from services.gateway.schemas import StoredPlaylist
from shared.errors import BadRequest, ServiceError, Unauthorized
from shared.http import ServiceClient

# A playlist for a signed-in user asks for spare tracks, so ones Spotify no longer has can be replaced.
MAX_TRACKS = 100


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
    """One browser session's calls to the playlist service's /v1/spotify routes."""

    def __init__(self, playlist: ServiceClient, session_token: str) -> None:
        self.playlist = playlist
        self.headers = {"X-Account-Key": account_key(session_token)}

    async def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = await self.playlist.request(method, path, headers=self.headers, **kwargs)
        body: dict[str, Any] = response.json() if response.content else {}
        return body

    async def sign_in_url(self) -> str:
        """Spotify's consent page for a new sign-in bound to this session."""
        return str((await self._json("POST", "/v1/spotify/sign-in", json={}))["authorize_url"])

    async def finish(self, *, new_token: str, state: str | None, code: str | None, error: str | None) -> dict[str, Any]:
        """Hand the callback over; the tokens are kept under the new session's key."""
        body = {"new_account": account_key(new_token), "state": state, "code": code, "error": error}
        return await self._json("POST", "/v1/spotify/callback", json=body)

    async def sign_out(self) -> None:
        """Delete the tokens and cached genres."""
        await self._json("POST", "/v1/spotify/sign-out", json={})

    async def who(self) -> dict[str, Any]:
        """{configured, signed_in, user_id, display_name}, read from the store only."""
        return await self._json("GET", "/v1/spotify/me")

    async def genres(self, *, refresh: bool = False) -> GenreProfile:
        """The genre profile (cached by the playlist service)."""
        response = await self.playlist.request(
            "GET", "/v1/spotify/genres", params={"refresh": str(refresh).lower()}, headers=self.headers
        )
        return parse_upstream(GenreProfile, response, service="playlist")

    async def set_genres(self, names: list[str]) -> GenreProfile:
        response = await self.playlist.request(
            "PUT", "/v1/spotify/genres", json={"genres": names}, headers=self.headers
        )
        return parse_upstream(GenreProfile, response, service="playlist")

    async def shuffle(self) -> GenreProfile:
        response = await self.playlist.request("POST", "/v1/spotify/genres/shuffle", json={}, headers=self.headers)
        return parse_upstream(GenreProfile, response, service="playlist")

    async def save(self, spotify_id: str) -> None:
        await self._json("POST", f"/v1/spotify/playlists/{spotify_id}/save", json={})

    async def publish(self, playlist: StoredPlaylist, *, photo: bytes, content_type: str, n: int) -> StoredPlaylist:
        """Put the playlist on the user's account (the first n tracks Spotify takes) with the photo as its cover."""
        body = {
            "features": playlist.features.model_dump(),
            "genres": playlist.genres,
            "mode": playlist.mode,
            "candidates": [track.id for track in playlist.tracks],
            "n": n,
        }
        published = await self._json("POST", "/v1/spotify/playlists", json=body)
        kept = [str(i) for i in published.get("track_ids", [])]
        order = {track_id: place for place, track_id in enumerate(kept)}
        tracks = sorted((t for t in playlist.tracks if t.id in order), key=lambda t: order[t.id])
        kept_tracks = sorted((t for t in playlist.recommendation.tracks if t.id in order), key=lambda t: order[t.id])
        recommendation = playlist.recommendation.model_copy(update={"tracks": kept_tracks})
        warnings = list(playlist.warnings)
        skipped = int(published.get("skipped", 0))
        if skipped:
            warnings.append(f"{skipped} tracks are no longer on Spotify; the next candidates took their place")
        try:
            await self.playlist.request(
                "PUT",
                f"/v1/spotify/playlists/{published['id']}/cover",
                content=photo,
                headers={**self.headers, "Content-Type": content_type},
            )
        except ServiceError as exc:  # the playlist is there; a cover that failed is worth a warning, not a failure
            warnings.append(f"the photo could not be set as the playlist's cover ({exc.name})")
        spotify = SpotifyPlaylistRef.model_validate({**published, "saved": False})
        update = {"tracks": tracks, "recommendation": recommendation, "warnings": warnings, "spotify": spotify}
        return playlist.model_copy(update=update)
