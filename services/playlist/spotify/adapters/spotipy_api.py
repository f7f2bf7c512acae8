"""The Spotify Web API Protocols over spotipy, with spotipy's own retries off (a plain requests.Session is handed in)
so 429 and 401 reach the caller and are handled once, in one place (access.py)."""

from __future__ import annotations

import logging
from typing import Any

import requests
import spotipy
from spotipy.exceptions import SpotifyException

from services.playlist.spotify.errors import (
    DEVELOPMENT_MODE_LIMITS,
    SpotifyFailed,
    SpotifyForbidden,
    SpotifyTimeout,
    SpotifyUnavailable,
)
from services.playlist.spotify.webapi import AccessTokenRejected, ItemsRejected, RateLimited

# spotipy logs request headers (the bearer token) at DEBUG and every HTTP error at ERROR; we log our own named
# events without secrets, so its logger stays quiet whatever the service's level.
logging.getLogger("spotipy").setLevel(logging.CRITICAL)


class SpotipyWebApi:
    """Both Protocols over spotipy, against `api_url` (the real https://api.spotify.com/v1/ or the fake)."""

    def __init__(self, *, api_url: str, timeout_s: float) -> None:
        self.api_url = api_url if api_url.endswith("/") else f"{api_url}/"
        self.timeout_s = timeout_s
        self._session = requests.Session()  # no retry adapter: 429/5xx come straight back

    def _client(self, token: str) -> spotipy.Spotify:
        client = spotipy.Spotify(auth=token, requests_session=self._session, requests_timeout=self.timeout_s)
        client.prefix = self.api_url  # spotipy's documented attribute for another API host (the fake)
        return client

    def _call(self, token: str, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self._client(token), method)(*args, **kwargs)
        except SpotifyException as exc:
            raise _translate(exc, method) from None
        except requests.Timeout as exc:
            raise SpotifyTimeout("Spotify did not answer in time") from exc
        except requests.RequestException as exc:
            raise SpotifyUnavailable("Spotify is unreachable", retry_after=5) from exc

    def me(self, token: str) -> dict[str, Any]:
        """The signed-in user."""
        return dict(self._call(token, "current_user") or {})

    def top(self, token: str, *, kind: str, time_range: str, limit: int) -> list[dict[str, Any]]:
        """Top artists or tracks for one time range."""
        method = "current_user_top_artists" if kind == "artists" else "current_user_top_tracks"
        page = self._call(token, method, limit=limit, time_range=time_range) or {}
        return [item for item in page.get("items", []) if isinstance(item, dict)]

    def create_playlist(self, token: str, *, name: str, description: str, public: bool) -> dict[str, Any]:
        """A new playlist of the signed-in user (POST /me/playlists, not the removed /users/{id}/playlists)."""
        return dict(
            self._call(token, "current_user_playlist_create", name, public=public, description=description) or {}
        )

    def add_items(self, token: str, playlist_id: str, uris: list[str]) -> None:
        """Append up to 100 tracks."""
        self._call(token, "playlist_add_items", playlist_id, uris)

    def upload_cover(self, token: str, playlist_id: str, jpeg_base64: str) -> None:
        """Set the playlist's cover."""
        self._call(token, "playlist_upload_cover_image", playlist_id, jpeg_base64)

    def unfollow(self, token: str, playlist_id: str) -> None:
        """Remove the playlist from the user's library."""
        self._call(token, "current_user_unfollow_playlist", playlist_id)


def _translate(exc: SpotifyException, method: str) -> Exception:
    status = int(exc.http_status or 0)
    if status == 401:
        return AccessTokenRejected()
    if status == 429:
        value = (exc.headers or {}).get("Retry-After", "")
        return RateLimited(int(value) if str(value).isdigit() else 5)
    if status == 403:
        return SpotifyForbidden({"message": DEVELOPMENT_MODE_LIMITS, "spotify_says": _message(exc)})
    if status == 400 and method == "playlist_add_items":
        return ItemsRejected(_message(exc))
    if status >= 500:
        return SpotifyUnavailable(f"Spotify failed ({status})", retry_after=5)
    return SpotifyFailed(f"Spotify answered {status}: {_message(exc)}")


def _message(exc: SpotifyException) -> str:
    # spotipy's msg is "<url>:\n <message>"; the URL adds nothing for a client.
    return str(exc.msg).rsplit("\n", 1)[-1].strip()[:200]
