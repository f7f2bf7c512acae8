"""Calling the Spotify Web API politely: spotipy pointed at configurable hosts, 429 Retry-After honoured.

spotipy's own urllib3 retries are switched off (a plain requests.Session), so every retry happens here where it
is bounded and visible: a 429 waits exactly its Retry-After (never longer than `max_retry_after_s`, else we stop
and say so), 5xx and connection failures back off exponentially, and nothing is retried more than `max_retries`
times.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.data_errors import SpotifyFailed, SpotifyForbidden, SpotifyNotFound, SpotifyRateLimited

log = logging.getLogger("pressedplay.spotify")
T = TypeVar("T")


class SpotifySettings(BaseSettings):
    """SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET, SPOTIFY_API_URL, SPOTIFY_ACCOUNTS_URL ... (env or .env)."""

    model_config = SettingsConfigDict(env_prefix="SPOTIFY_", env_file=".env", extra="ignore")

    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    api_url: str = "https://api.spotify.com/v1/"
    accounts_url: str = "https://accounts.spotify.com"
    requests_timeout_s: float = 10.0
    max_retries: int = 5
    max_retry_after_s: float = 120.0


def spotify_client(settings: SpotifySettings) -> Any:
    """A spotipy client with client-credentials auth against the configured hosts and no hidden retries."""
    import spotipy
    from spotipy.cache_handler import MemoryCacheHandler
    from spotipy.oauth2 import SpotifyClientCredentials

    if not settings.client_id or not settings.client_secret.get_secret_value():
        raise SpotifyFailed("set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET (an app whose terms allow collecting)")
    auth = SpotifyClientCredentials(
        client_id=settings.client_id,
        client_secret=settings.client_secret.get_secret_value(),
        requests_timeout=settings.requests_timeout_s,
        cache_handler=MemoryCacheHandler(),
    )
    auth.OAUTH_TOKEN_URL = settings.accounts_url.rstrip("/") + "/api/token"
    client = spotipy.Spotify(
        auth_manager=auth, requests_session=requests.Session(), requests_timeout=settings.requests_timeout_s
    )
    client.prefix = settings.api_url.rstrip("/") + "/"
    return client


@dataclass
class PoliteCaller:
    """Runs one Spotify call with bounded, Retry-After-honouring retries; `sleep` is injectable for tests."""

    max_retries: int = 5
    max_retry_after_s: float = 120.0
    backoff_s: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    waits: list[float] = field(default_factory=list)  # every pause taken, for logs and tests

    def call(self, what: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """fn(*args, **kwargs), retried on 429/5xx/connection errors; Spotify errors become ServiceErrors."""
        from spotipy.exceptions import SpotifyException
        from spotipy.oauth2 import SpotifyOauthError

        attempt = 0
        while True:
            try:
                with warnings.catch_warnings():
                    # spotipy warns on every call to endpoints Spotify deprecated; the collector uses them knowingly.
                    warnings.filterwarnings("ignore", message=".*deprecated by Spotify", category=DeprecationWarning)
                    return fn(*args, **kwargs)
            except SpotifyException as exc:
                status = int(exc.http_status)
                if status == 403:
                    raise SpotifyForbidden(f"Spotify refused {what} (403): {_message(exc)}") from exc
                if status == 404:
                    raise SpotifyNotFound(f"Spotify has no {what} (404): {_message(exc)}") from exc
                if status == 429:
                    wait = _retry_after(exc.headers)
                    if wait > self.max_retry_after_s:
                        raise SpotifyRateLimited(
                            f"Spotify rate-limited {what} for {wait:.0f} s (we wait at most "
                            f"{self.max_retry_after_s:.0f} s); re-run later: the collector resumes where it stopped",
                            retry_after=int(wait),
                        ) from exc
                    if attempt >= self.max_retries:
                        raise SpotifyRateLimited(
                            f"Spotify still rate-limits {what} after {attempt} retries; re-run later to resume",
                            retry_after=int(wait),
                        ) from exc
                elif status >= 500 and attempt < self.max_retries:
                    wait = self.backoff_s * 2**attempt
                else:
                    raise SpotifyFailed(f"Spotify answered {status} to {what}: {_message(exc)}") from exc
            except SpotifyOauthError as exc:
                raise SpotifyFailed(f"could not get a Spotify token: {exc}") from exc
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt >= self.max_retries:
                    raise SpotifyFailed(f"cannot reach Spotify for {what}: {exc}") from exc
                wait = self.backoff_s * 2**attempt
            attempt += 1
            log.warning("spotify.retry", extra={"what": what, "attempt": attempt, "wait_s": wait})
            self.waits.append(wait)
            self.sleep(wait)


def _retry_after(headers: Any) -> float:
    # Retry-After is in seconds for Spotify; a missing or odd value waits one second rather than zero.
    try:
        return max(0.0, float((headers or {}).get("Retry-After", 1)))
    except (TypeError, ValueError):
        return 1.0


def _message(exc: Any) -> str:
    text = str(getattr(exc, "msg", "") or exc)
    return text.split("\n", 1)[-1].strip() or "no message"
