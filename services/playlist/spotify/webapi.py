"""The Spotify Web API behind two small Protocols (adapters/spotipy_api.py: `SpotipyWebApi`, spotipy inside).

Calls are synchronous (spotipy is); `SpotifyUser` runs them off the event loop. spotipy's own retries are off (a
plain requests.Session is handed in) so 429 and 401 reach us and are handled once, in one place: 401 ->
AccessTokenRejected (the caller refreshes once), 429 -> RateLimited (the caller waits, within a bound), 400 on adding
items -> ItemsRejected (some track is gone), 403 -> SpotifyForbidden, 5xx -> SpotifyUnavailable.
"""

from __future__ import annotations

from typing import Any, Protocol


class AccessTokenRejected(Exception):
    """Spotify answered 401: the access token is expired or revoked."""


class RateLimited(Exception):
    """Spotify answered 429."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


class ItemsRejected(Exception):
    """Spotify refused a batch of playlist items (400): at least one track does not exist (any more)."""


class SpotifyProfileApi(Protocol):
    """What the genre profile reads."""

    def me(self, token: str) -> dict[str, Any]:
        """GET /me."""
        ...

    def top(self, token: str, *, kind: str, time_range: str, limit: int) -> list[dict[str, Any]]:
        """GET /me/top/{artists|tracks}: the items of the first page."""
        ...


class SpotifyPlaylistApi(Protocol):
    """What publishing a playlist writes."""

    def create_playlist(self, token: str, *, name: str, description: str, public: bool) -> dict[str, Any]:
        """POST /me/playlists."""
        ...

    def add_items(self, token: str, playlist_id: str, uris: list[str]) -> None:
        """POST /playlists/{id}/items (at most 100 uris)."""
        ...

    def upload_cover(self, token: str, playlist_id: str, jpeg_base64: str) -> None:
        """PUT /playlists/{id}/images."""
        ...

    def remove_from_library(self, token: str, playlist_id: str) -> None:
        """DELETE /me/library?uris=spotify:playlist:{id} (how a user deletes their own playlist since 2026; the old
        DELETE /playlists/{id}/followers is deprecated)."""
        ...
