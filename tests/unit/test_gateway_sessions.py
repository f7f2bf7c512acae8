"""The in-process session store and the session token rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.gateway.adapters.in_process import InProcessSessionStore
from services.gateway.schemas import StoredPlaylist
from services.gateway.sessions import new_session_token, session_key, valid_session_token
from shared.features import AudioFeatures
from shared.recommendation import Recommendation

pytestmark = pytest.mark.anyio


def playlist(playlist_id: str) -> StoredPlaylist:
    return StoredPlaylist(
        id=playlist_id,
        created_at=datetime(2026, 11, 25, tzinfo=UTC),
        features=AudioFeatures.from_vector([0.5] * 5 + [-8.0, 0.05, 0.5]),
        model_version="m1",
        genres=[],
        mode="calm",
        tracks=[],
        recommendation=Recommendation(
            tracks=[], target=AudioFeatures.from_vector([0.5] * 5 + [-8.0, 0.05, 0.5]), genres=[], mode="calm"
        ),
    )


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_a_playlist_is_private_to_the_session_that_made_it() -> None:
    store = InProcessSessionStore()
    await store.put_playlist(session="a", playlist=playlist("p1"), ttl_s=60)
    assert await store.get_playlist(session="a", playlist_id="p1") == playlist("p1")
    assert await store.get_playlist(session="b", playlist_id="p1") is None


async def test_an_expired_playlist_is_forgotten() -> None:
    store = InProcessSessionStore()
    await store.put_playlist(session="a", playlist=playlist("p1"), ttl_s=0)
    assert await store.get_playlist(session="a", playlist_id="p1") is None


async def test_the_store_is_bounded_and_drops_the_oldest_first() -> None:
    store = InProcessSessionStore(max_playlists=2)
    for name in ("p1", "p2", "p3"):
        await store.put_playlist(session="a", playlist=playlist(name), ttl_s=60)
    assert await store.get_playlist(session="a", playlist_id="p1") is None
    assert await store.get_playlist(session="a", playlist_id="p3") is not None


def test_issued_tokens_are_valid_and_forged_ones_are_not() -> None:
    token = new_session_token()
    assert valid_session_token(token) == token
    assert valid_session_token("short") is None
    assert valid_session_token("x" * 40 + ";drop") is None
    assert valid_session_token(None) is None


def test_the_storage_key_does_not_reveal_the_token() -> None:
    token = new_session_token()
    assert token not in session_key(token)
    assert session_key(token) == session_key(token)


def test_sessions_live_in_process_by_default_and_in_redis_when_configured() -> None:
    from services.gateway.adapters.redis_store import RedisSessionStore
    from services.gateway.runtime import build_session_store
    from services.gateway.settings import Settings

    assert isinstance(build_session_store(Settings(redis_url=None)), InProcessSessionStore)
    assert isinstance(build_session_store(Settings(redis_url="redis://127.0.0.1:1/0")), RedisSessionStore)


async def test_a_session_is_live_only_from_its_opening_until_it_is_revoked_or_unused_too_long() -> None:
    now = [0.0]
    store = InProcessSessionStore(clock=lambda: now[0])
    assert await store.renew(session="never-issued", ttl_s=60) is False
    await store.open(session="s", ttl_s=60)
    now[0] = 50
    assert await store.renew(session="s", ttl_s=60) is True  # renewed: now lives until 110
    now[0] = 100
    assert await store.renew(session="s", ttl_s=60) is True
    now[0] = 161
    assert await store.renew(session="s", ttl_s=60) is False  # unused 61 s
    await store.open(session="t", ttl_s=60)
    await store.revoke(session="t")
    assert await store.renew(session="t", ttl_s=60) is False


async def test_the_sessions_held_are_bounded_and_the_least_recently_used_go_first() -> None:
    store = InProcessSessionStore(max_sessions=2)
    for name in ("a", "b"):
        await store.open(session=name, ttl_s=60)
    assert await store.renew(session="a", ttl_s=60)  # a is now the most recent
    await store.open(session="c", ttl_s=60)
    assert [await store.renew(session=n, ttl_s=60) for n in ("a", "b", "c")] == [True, False, True]
