"""Gateway sessions on a real redis-server: playlists kept per session with a TTL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from redis.asyncio import Redis

from services.gateway.adapters.redis_store import RedisSessionStore
from services.gateway.schemas import StoredPlaylist
from shared.errors import StoreUnavailable
from shared.features import AudioFeatures
from shared.recommendation import Recommendation
from tests.servers.process import free_port

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


def playlist(playlist_id: str) -> StoredPlaylist:
    features = AudioFeatures.from_vector([0.5, 0.5, 0.5, 0.0, 0.1, -8.0, 0.05, 0.5])
    return StoredPlaylist(
        id=playlist_id,
        created_at=datetime(2026, 11, 25, tzinfo=UTC),
        features=features,
        model_version="m1",
        genres=["pop"],
        mode="match",
        tracks=[],
        recommendation=Recommendation(tracks=[], target=features, genres=["pop"], mode="match"),
    )


async def test_a_session_reads_back_its_own_playlist_and_no_other_session_can(redis_service: str) -> None:
    store = RedisSessionStore(redis_service, prefix=f"t{uuid.uuid4().hex[:6]}")
    await store.put_playlist(session="alice", playlist=playlist("p1"), ttl_s=60)
    assert await store.get_playlist(session="alice", playlist_id="p1") == playlist("p1")
    assert await store.get_playlist(session="bob", playlist_id="p1") is None
    assert await store.get_playlist(session="alice", playlist_id="p2") is None
    await store.close()


async def test_a_stored_playlist_carries_its_ttl_in_redis(redis_service: str) -> None:
    prefix = f"t{uuid.uuid4().hex[:6]}"
    store = RedisSessionStore(redis_service, prefix=prefix)
    await store.put_playlist(session="alice", playlist=playlist("p1"), ttl_s=300)
    raw = Redis.from_url(redis_service)
    ttl = await raw.ttl(f"{prefix}:alice:playlist:p1")
    assert 290 <= ttl <= 300
    await raw.aclose()
    await store.close()


async def test_an_expired_playlist_is_gone(redis_service: str) -> None:
    prefix = f"t{uuid.uuid4().hex[:6]}"
    store = RedisSessionStore(redis_service, prefix=prefix)
    await store.put_playlist(session="alice", playlist=playlist("p1"), ttl_s=60)
    raw = Redis.from_url(redis_service)
    await raw.pexpire(f"{prefix}:alice:playlist:p1", 1)  # fast-forward the TTL instead of sleeping a minute
    await raw.aclose()
    await asyncio.sleep(0.05)
    assert await store.get_playlist(session="alice", playlist_id="p1") is None
    await store.close()


async def test_an_unreachable_redis_is_503_with_retry_after_not_a_crash() -> None:
    store = RedisSessionStore(f"redis://127.0.0.1:{free_port()}/0", timeout_s=0.5)
    with pytest.raises(StoreUnavailable) as caught:
        await store.get_playlist(session="alice", playlist_id="p1")
    assert caught.value.status_code == 503
    assert caught.value.retry_after == 2
    assert await store.ping() is False
    await store.close()


async def test_a_session_opened_in_redis_is_renewed_by_use_and_ended_by_revocation(redis_service: str) -> None:
    prefix = f"t{uuid.uuid4().hex[:6]}"
    store = RedisSessionStore(redis_service, prefix=prefix)
    raw = Redis.from_url(redis_service)
    assert await store.renew(session="alice", ttl_s=300) is False  # never issued: no key is made for it
    assert await raw.exists(f"{prefix}:alice:issued") == 0
    await store.open(session="alice", ttl_s=100)
    assert await store.renew(session="alice", ttl_s=300) is True
    assert 290 <= await raw.ttl(f"{prefix}:alice:issued") <= 300
    await store.revoke(session="alice")
    assert await store.renew(session="alice", ttl_s=300) is False
    await raw.aclose()
    await store.close()
