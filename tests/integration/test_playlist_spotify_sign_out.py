"""Signing out is final: a request already in flight cannot write the session's tokens back (review).

Each test fixes the interleaving with events, not sleeps: a refresh (or an API call) is held at a gate while the
session signs out, then let go. The accounts and Web API calls go to the fake Spotify over real HTTP.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from services.playlist.spotify.access import SpotifyAccess, SpotifyConfig
from services.playlist.spotify.adapters.accounts import AccountsClient
from services.playlist.spotify.adapters.in_process import InProcessKeyValueStore
from services.playlist.spotify.adapters.spotipy_api import SpotipyWebApi
from services.playlist.spotify.errors import SpotifySignInRequired
from services.playlist.spotify.oauth import TokenGrant
from services.playlist.spotify.tokens import PendingSignIns, TokenVault, new_fernet_key
from tests.fakes.spotify import FakeSpotify
from tests.fakes.spotify_signin import TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_REDIRECT_URI
from tests.fakes.spotify_state import SpotifyState
from tests.integration.test_playlist_spotify import warm_fake_definition

pytestmark = pytest.mark.integration
pytest_plugins = ["tests.fakes.conftest_spotify"]
ACCOUNT = "a" * 32


class GatedAccounts:
    """The real accounts client, whose refresh waits at a gate once it has begun."""

    def __init__(self, real: AccountsClient) -> None:
        self.real = real
        self.refreshing = asyncio.Event()
        self.go_on = asyncio.Event()

    async def exchange_code(self, *, code: str, verifier: str, redirect_uri: str) -> TokenGrant:
        return await self.real.exchange_code(code=code, verifier=verifier, redirect_uri=redirect_uri)

    async def refresh(self, refresh_token: str) -> TokenGrant:
        self.refreshing.set()
        await self.go_on.wait()
        return await self.real.refresh(refresh_token)

    async def aclose(self) -> None:
        await self.real.aclose()


@pytest.fixture
def spotify(spotify_state: SpotifyState, spotify_app: Any) -> Iterator[FakeSpotify]:
    warm_fake_definition()
    with FakeSpotify(spotify_state) as server:
        yield server


def access_to(spotify: FakeSpotify) -> tuple[SpotifyAccess, GatedAccounts]:
    accounts = GatedAccounts(
        AccountsClient(
            accounts_url=spotify.accounts_url, client_id=TEST_CLIENT_ID, client_secret=TEST_CLIENT_SECRET, timeout_s=5
        )
    )
    store = InProcessKeyValueStore()
    access = SpotifyAccess(
        config=SpotifyConfig(
            client_id=TEST_CLIENT_ID,
            redirect_uri=TEST_REDIRECT_URI,
            accounts_url=spotify.accounts_url,
            timeout_s=5.0,
            max_retry_after_s=2,
        ),
        accounts=accounts,
        api=SpotipyWebApi(api_url=spotify.api_url, timeout_s=5.0),
        vault=TokenVault(store, key=new_fernet_key(), ttl_s=3600),
        pending=PendingSignIns(store),
    )
    return access, accounts


async def signed_in(access: SpotifyAccess) -> None:
    """Sign ACCOUNT in through the fake's /authorize, as the browser would."""
    url = await access.start_sign_in("starter")
    async with httpx.AsyncClient() as client:
        redirect = await client.get(url, follow_redirects=False)
    query = dict(httpx.URL(redirect.headers["location"]).params)
    await access.finish_sign_in(
        account="starter", new_account=ACCOUNT, state=query.get("state"), code=query.get("code"), error=None
    )


def held(api_call: Callable[[str], Any]) -> tuple[Callable[[str], Any], threading.Event, threading.Event]:
    """The API call, made to wait in its worker thread until let go: (call, started, go_on)."""
    started, go_on = threading.Event(), threading.Event()

    def call(token: str) -> Any:
        started.set()
        go_on.wait(10)
        return api_call(token)

    return call, started, go_on


def test_a_refresh_under_way_when_the_session_signs_out_does_not_bring_its_tokens_back(spotify: FakeSpotify) -> None:
    async def scenario() -> None:
        access, accounts = access_to(spotify)
        await signed_in(access)
        spotify.state.expire_all_tokens()  # the next call gets a 401 and refreshes
        request = asyncio.create_task(access.call(ACCOUNT, access.api.me))
        await accounts.refreshing.wait()
        signing_out = asyncio.create_task(access.sign_out(ACCOUNT))
        await asyncio.sleep(0)  # sign-out has begun while the refresh is under way
        accounts.go_on.set()
        await asyncio.gather(request, signing_out)
        # Before: sign-out deleted the tokens mid-refresh and the refresh wrote fresh ones back, signed in again.
        assert await access.vault.get(ACCOUNT) is None
        await access.aclose()

    asyncio.run(scenario())


def test_a_request_that_comes_to_refresh_after_sign_out_asks_to_sign_in_and_stores_nothing(
    spotify: FakeSpotify,
) -> None:
    async def scenario() -> None:
        access, accounts = access_to(spotify)
        accounts.go_on.set()
        await signed_in(access)
        spotify.state.expire_all_tokens()
        me, started, go_on = held(access.api.me)
        request = asyncio.create_task(access.call(ACCOUNT, me))  # read the tokens, now waiting on Spotify
        await asyncio.to_thread(started.wait, 10)
        await access.sign_out(ACCOUNT)
        go_on.set()  # Spotify answers 401: the request would refresh tokens that sign-out deleted
        with pytest.raises(SpotifySignInRequired):
            await request
        assert await access.vault.get(ACCOUNT) is None
        assert not accounts.refreshing.is_set()  # no refresh was even asked for
        await access.aclose()

    asyncio.run(scenario())
