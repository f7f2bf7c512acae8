"""The Spotify Web API Protocols over spotipy, with spotipy's own retries off (a plain requests.Session is handed in)
so 429 and 401 reach the caller and are handled once, in one place (access.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
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

    def _call(self, token: str, call: Callable[[spotipy.Spotify], Any], *, adds_items: bool = False) -> Any:
        try:
            return call(self._client(token))
        except SpotifyException as exc:
            raise _translate(exc, adds_items=adds_items) from None
        except requests.Timeout as exc:
            raise SpotifyTimeout("Spotify did not answer in time") from exc
        except requests.RequestException as exc:
            raise SpotifyUnavailable("Spotify is unreachable", retry_after=5) from exc

    def me(self, token: str) -> dict[str, Any]:
        """The signed-in user."""
        # spotipy's current_user() asks for "me/", a path Spotify's definition does not have: /me is asked as it is.
        return dict(self._call(token, lambda sp: sp._get("me")) or {})

    def top(self, token: str, *, kind: str, time_range: str, limit: int) -> list[dict[str, Any]]:
        """Top artists or tracks for one time range."""

        def top_page(sp: spotipy.Spotify) -> Any:
            method = sp.current_user_top_artists if kind == "artists" else sp.current_user_top_tracks
            return method(limit=limit, time_range=time_range)

        page = self._call(token, top_page) or {}
        return [item for item in page.get("items", []) if isinstance(item, dict)]

    def create_playlist(self, token: str, *, name: str, description: str, public: bool) -> dict[str, Any]:
        """A new playlist of the signed-in user (POST /me/playlists, not the removed /users/{id}/playlists)."""
        created = self._call(
            token, lambda sp: sp.current_user_playlist_create(name, public=public, description=description)
        )
        return dict(created or {})

    def add_items(self, token: str, playlist_id: str, uris: list[str]) -> None:
        """Append up to 100 tracks: POST /playlists/{id}/items with {"uris": [...]}."""
        # spotipy's playlist_add_items sends the URIs as a bare JSON array; Spotify's definition gives the body as an
        # object with `uris` (tests/contract found it), so the body is built here and sent with spotipy's _post.
        path = f"playlists/{playlist_id}/items"
        self._call(token, lambda sp: sp._post(path, payload={"uris": uris}), adds_items=True)

    def upload_cover(self, token: str, playlist_id: str, jpeg_base64: str) -> None:
        """Set the playlist's cover."""
        self._call(token, lambda sp: sp.playlist_upload_cover_image(playlist_id, jpeg_base64))

    def remove_from_library(self, token: str, playlist_id: str) -> None:
        """Remove the playlist from the user's library: DELETE /me/library?uris=spotify:playlist:{id}."""
        # spotipy 2.26 still unfollows through the deprecated DELETE /playlists/{id}/followers and has no call for
        # a playlist URI on /me/library; its generic _delete is what its own /me/library methods use.
        uri = f"spotify:playlist:{playlist_id}"
        self._call(token, lambda sp: sp._delete("me/library", args={"uris": uri}))


def _translate(exc: SpotifyException, *, adds_items: bool) -> Exception:
    status = int(exc.http_status or 0)
    if status == 401:
        return AccessTokenRejected()
    if status == 429:
        value = (exc.headers or {}).get("Retry-After", "")
        return RateLimited(int(value) if str(value).isdigit() else 5)
    if status == 403:
        return SpotifyForbidden({"message": DEVELOPMENT_MODE_LIMITS, "spotify_says": _message(exc)})
    if status == 400 and adds_items:
        return ItemsRejected(_message(exc))
    if status >= 500:
        return SpotifyUnavailable(f"Spotify failed ({status})", retry_after=5)
    return SpotifyFailed(f"Spotify answered {status}: {_message(exc)}")


def _message(exc: SpotifyException) -> str:
    # spotipy's msg is "<url>:\n <message>"; the URL adds nothing for a client.
    return str(exc.msg).rsplit("\n", 1)[-1].strip()[:200]
