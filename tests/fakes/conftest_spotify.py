"""Pytest fixtures for the fake Spotify. Load them in a test module (or, project-wide, in tests/conftest.py) with

    pytest_plugins = ["tests.fakes.conftest_spotify"]

and import helpers (sign_in, the test client's constants) from tests.fakes.spotify_signin.

`spotify_state` is a seeded world (user "listener", 3 playlists x 5 tracks with features, top artists/tracks);
override it in a test module to seed your own. `spotify_app` registers a client (id "test-client", secret
"test-secret", redirect http://127.0.0.1:8888/callback) without extended access.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.spotify import FakeSpotify
from tests.fakes.spotify_signin import TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_REDIRECT_URI
from tests.fakes.spotify_state import FakeApp, SpotifyState


@pytest.fixture
def spotify_state() -> SpotifyState:
    return SpotifyState.seeded(seed=0)


@pytest.fixture
def spotify_app(spotify_state: SpotifyState) -> FakeApp:
    return spotify_state.add_app(
        client_id=TEST_CLIENT_ID, client_secret=TEST_CLIENT_SECRET, redirect_uris=[TEST_REDIRECT_URI]
    )


@pytest.fixture
def fake_spotify(spotify_state: SpotifyState, spotify_app: FakeApp) -> Iterator[FakeSpotify]:
    with FakeSpotify(spotify_state) as server:
        yield server
