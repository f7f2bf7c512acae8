"""What the fake Spotify knows: users, tracks, artists, playlists, registered apps, grants, and injected faults.

Tests seed it directly (`add_user`, `add_playlist`, ... or `SpotifyState.seeded(...)`) and read it back to assert
what a client did (`requests`, the playlists' items). Every method takes the one lock: the app serves from
uvicorn's thread while the test thread seeds and inspects.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from shared.features import AUDIO_FEATURES
from tests.fakes.spotify_definition import Exchange

TIME_RANGES = ("short_term", "medium_term", "long_term")
# Enough for every test run (an e2e session makes a few hundred calls); a dev server keeps its newest this many.
MAX_RECORDED_REQUESTS = 20_000


@dataclass
class FakeArtist:
    id: str
    name: str
    genres: list[str] = field(default_factory=list)


@dataclass
class FakeTrack:
    id: str
    name: str
    artist_ids: list[str]
    album: str = "Album"
    release_date: str = "2020-01-01"
    duration_ms: int = 200_000
    features: dict[str, float] | None = None  # None: Spotify has no audio features for it (answers null)


@dataclass
class FakeUser:
    id: str
    display_name: str
    # time_range -> ids, best first; one list is used for every range unless a range has its own.
    top_artists: dict[str, list[str]] = field(default_factory=dict)
    top_tracks: dict[str, list[str]] = field(default_factory=dict)
    editorial: bool = False  # Spotify-owned: its playlists are closed to apps without extended access


@dataclass
class FakePlaylist:
    id: str
    owner_id: str
    name: str
    description: str = ""
    public: bool = True
    track_ids: list[str] = field(default_factory=list)
    image_jpeg: bytes | None = None
    snapshot: int = 1
    followed: bool = True  # False once the owner unfollowed (deleted) it


@dataclass
class FakeApp:
    client_id: str
    client_secret: str
    redirect_uris: list[str] = field(default_factory=list)
    extended_access: bool = False  # pre-2024-11 quota: audio features, batch endpoints, editorial playlists


@dataclass
class Grant:
    """An access token: whose (None for client credentials), which app, which scopes, until when."""

    client_id: str
    user_id: str | None
    scopes: frozenset[str]
    expires_at: float


@dataclass
class PendingCode:
    client_id: str
    user_id: str
    redirect_uri: str
    code_challenge: str
    scopes: frozenset[str]


@dataclass
class Fault:
    """Answer the next `times` matching calls with `status` (429 carries Retry-After), after `delay_s`; status 0
    only delays them (a slow Spotify, for timeouts)."""

    status: int
    times: int
    retry_after: int | None = None
    path_prefix: str = "/v1/"
    delay_s: float = 0.0


@dataclass(frozen=True)
class RecordedRequest:
    """A request the fake received (when it started) and the answer it gave, for the contract checks."""

    method: str
    path: str
    query: str
    at: float
    content_type: str = ""
    body: bytes = b""
    status: int = 0
    response_type: str = ""
    response_body: bytes = b""

    def as_exchange(self) -> Exchange:
        """The request and answer as the definition is checked against (tests/fakes/spotify_definition.py)."""
        return Exchange(
            self.method,
            self.path,
            self.query,
            self.content_type,
            self.body,
            self.status,
            self.response_type,
            self.response_body,
        )


class SpotifyState:
    """The fake's whole world; thread-safe."""

    def __init__(self, *, token_lifetime_s: int = 3600) -> None:
        self.lock = threading.RLock()
        self.users: dict[str, FakeUser] = {}
        self.artists: dict[str, FakeArtist] = {}
        self.tracks: dict[str, FakeTrack] = {}
        self.playlists: dict[str, FakePlaylist] = {}
        self.apps: dict[str, FakeApp] = {}
        self.tokens: dict[str, Grant] = {}
        self.refresh_tokens: dict[str, tuple[str, str, frozenset[str]]] = {}  # token -> (client, user, scopes)
        self.codes: dict[str, PendingCode] = {}
        self.faults: deque[Fault] = deque()
        # The newest requests only: the dev server (`PRESSEDPLAY_SPOTIFY=fake make run`) records for as long as it runs.
        self.requests: deque[RecordedRequest] = deque(maxlen=MAX_RECORDED_REQUESTS)
        self.token_lifetime_s = token_lifetime_s
        self.signed_in_user: str | None = None  # who "logs in" at /authorize; default: the first user
        self.deny_next_authorization = False
        # Track ids Spotify no longer has: adding one to a playlist is refused (400) with its whole batch.
        self.gone_tracks: set[str] = set()
        # When set, unknown well-formed track ids are taken as existing (the dev server's catalog is ours, not the
        # fake's); the function names them: id -> (track name, artist name).
        self.describe_unknown_track: Callable[[str], tuple[str, str]] | None = None
        self.issued_tokens: list[str] = []  # every access and refresh token ever issued (tests search logs for them)
        self._ids = itertools.count(1)

    # --- seeding -------------------------------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        """A Spotify-looking 22-character id, unique in this state."""
        with self.lock:
            return f"{prefix}{next(self._ids):0{22 - len(prefix)}d}"

    def add_app(
        self, *, client_id: str, client_secret: str, redirect_uris: list[str], extended_access: bool = False
    ) -> FakeApp:
        with self.lock:
            app = FakeApp(client_id, client_secret, list(redirect_uris), extended_access)
            self.apps[client_id] = app
            return app

    def add_user(self, user_id: str, *, display_name: str | None = None, editorial: bool = False) -> FakeUser:
        with self.lock:
            user = FakeUser(user_id, display_name or user_id, editorial=editorial)
            self.users[user_id] = user
            return user

    def add_artist(self, name: str, *, genres: list[str] | None = None, artist_id: str | None = None) -> FakeArtist:
        with self.lock:
            artist = FakeArtist(artist_id or self.new_id("ar"), name, list(genres or []))
            self.artists[artist.id] = artist
            return artist

    def add_track(
        self, name: str, *, artist_ids: list[str], features: dict[str, float] | None = None, track_id: str | None = None
    ) -> FakeTrack:
        with self.lock:
            track = FakeTrack(track_id or self.new_id("tr"), name, list(artist_ids), features=features)
            self.tracks[track.id] = track
            return track

    def add_playlist(
        self, owner_id: str, name: str, *, track_ids: list[str] | None = None, image_jpeg: bytes | None = None
    ) -> FakePlaylist:
        with self.lock:
            playlist = FakePlaylist(self.new_id("pl"), owner_id, name, track_ids=list(track_ids or []))
            playlist.image_jpeg = image_jpeg
            self.playlists[playlist.id] = playlist
            return playlist

    @classmethod
    def seeded(
        cls,
        *,
        seed: int = 0,
        user_id: str = "listener",
        playlists: int = 3,
        tracks_per_playlist: int = 5,
        image_jpeg: bytes | None = None,
    ) -> SpotifyState:
        """A small random world: one user with playlists of tracks that have features, top artists and tracks."""
        rng = np.random.default_rng(seed)
        state = cls()
        state.add_user(user_id, display_name=user_id.title())
        genres = ["indie pop", "deep house", "country road", "trap", "modern rock"]
        artists = [state.add_artist(f"Artist {n}", genres=[genres[n % len(genres)]]) for n in range(6)]
        for number in range(playlists):
            tracks = []
            for _ in range(tracks_per_playlist):
                features = {name: round(float(rng.random()), 3) for name in AUDIO_FEATURES}
                features["loudness"] = round(float(rng.uniform(-20, -2)), 2)
                artist = artists[int(rng.integers(len(artists)))]
                tracks.append(
                    state.add_track(f"Song {len(state.tracks)}", artist_ids=[artist.id], features=features).id
                )
            state.add_playlist(user_id, f"Playlist {number}", track_ids=tracks, image_jpeg=image_jpeg)
        state.users[user_id].top_artists = {"medium_term": [a.id for a in artists]}
        state.users[user_id].top_tracks = {"medium_term": list(state.tracks)[:10]}
        return state

    # --- faults and the request log -------------------------------------------------------------------------
    def inject(
        self,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        path_prefix: str = "/v1/",
        delay_s: float = 0.0,
    ) -> None:
        """Answer the next `times` calls under `path_prefix` with `status` (e.g. 429 + Retry-After, 500, 503)."""
        with self.lock:
            self.faults.append(Fault(status, times, retry_after, path_prefix, delay_s))

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault.path_prefix) and fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                    return fault
            return None

    def record(self, request: RecordedRequest) -> None:
        with self.lock:
            self.requests.append(request)

    def calls(self, path_prefix: str, *, method: str | None = None) -> list[RecordedRequest]:
        """The recorded requests whose path starts with `path_prefix`."""
        with self.lock:
            return [r for r in self.requests if r.path.startswith(path_prefix) and method in (None, r.method)]

    # --- grants ----------------------------------------------------------------------------------------------
    def issue_token(self, *, client_id: str, user_id: str | None, scopes: frozenset[str]) -> dict[str, Any]:
        """A new access token (and, for a user, a new refresh token) as /api/token answers it."""
        with self.lock:
            access = secrets.token_urlsafe(24)
            self.issued_tokens.append(access)
            self.tokens[access] = Grant(client_id, user_id, scopes, time.time() + self.token_lifetime_s)
            body: dict[str, Any] = {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": self.token_lifetime_s,
                "scope": " ".join(sorted(scopes)),
            }
            if user_id is not None:
                refresh = secrets.token_urlsafe(24)
                self.issued_tokens.append(refresh)
                self.refresh_tokens[refresh] = (client_id, user_id, scopes)
                body["refresh_token"] = refresh
            return body

    def existing_track(self, track_id: str) -> FakeTrack | None:
        """The track if Spotify has it: a known one not gone, or an unknown one the dev server vouches for."""
        with self.lock:
            if track_id in self.gone_tracks:
                return None
            if track_id in self.tracks:
                return self.tracks[track_id]
            if self.describe_unknown_track is None:
                return None
            name, artist_name = self.describe_unknown_track(track_id)
            artist = next((a for a in self.artists.values() if a.name == artist_name), None)
            artist = artist or self.add_artist(artist_name)
            return self.add_track(name, artist_ids=[artist.id], track_id=track_id)

    def revoke_refresh_tokens(self) -> None:
        """Void every refresh token (as when a user removes the app's access)."""
        with self.lock:
            self.refresh_tokens.clear()

    def expire_all_tokens(self) -> None:
        """Make every access token expired (refresh tokens stay valid)."""
        with self.lock:
            for grant in self.tokens.values():
                grant.expires_at = 0.0
