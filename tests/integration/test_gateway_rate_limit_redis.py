"""Rate-limit buckets on a real redis-server: shared by every gateway process, expiring, failing open."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from services.gateway.adapters.redis_rate_limit import RedisRateLimiter
from services.gateway.rate_limit import Limit
from tests.servers.process import free_port

pytestmark = [pytest.mark.integration, pytest.mark.anyio]


def limiter(url: str) -> RedisRateLimiter:
    return RedisRateLimiter(url, prefix=f"t{uuid.uuid4().hex[:8]}")


async def test_a_bucket_allows_its_burst_then_refuses_with_the_wait(redis_service: str) -> None:
    buckets = limiter(redis_service)
    limit = Limit(burst=3, per_minute=6)
    decisions = [await buckets.take("uploads:1.2.3.4", limit) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert 9.0 < decisions[-1].retry_after_s <= 10.0
    assert (await buckets.take("uploads:5.6.7.8", limit)).allowed  # another client
    await buckets.close()


async def test_two_gateway_processes_share_one_bucket(redis_service: str) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    first, second = RedisRateLimiter(redis_service, prefix=prefix), RedisRateLimiter(redis_service, prefix=prefix)
    limit = Limit(burst=4, per_minute=1)
    answers = await asyncio.gather(*(gw.take("ratings:10.0.0.1", limit) for gw in (first, second) * 4))
    assert sum(d.allowed for d in answers) == 4  # atomic: concurrent takes never overspend the bucket
    await first.close()
    await second.close()


async def test_a_bucket_refills_and_its_key_expires(redis_service: str) -> None:
    buckets = limiter(redis_service)
    limit = Limit(burst=1, per_minute=600)  # a token every 0.1 s
    assert (await buckets.take("k", limit)).allowed
    assert not (await buckets.take("k", limit)).allowed
    await asyncio.sleep(0.15)
    assert (await buckets.take("k", limit)).allowed
    ttl_ms = await buckets.redis.pttl(f"{buckets.prefix}:k")
    assert 0 < ttl_ms <= 1100  # a full bucket's key goes away by itself (volatile-ttl may also evict it)
    await buckets.close()


async def test_a_redis_that_does_not_answer_lets_requests_through() -> None:
    buckets = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0", timeout_s=0.5)
    assert (await buckets.take("k", Limit(burst=1, per_minute=1))).allowed
    assert (await buckets.take("k", Limit(burst=1, per_minute=1))).allowed
    await buckets.close()
