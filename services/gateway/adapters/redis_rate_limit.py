"""RateLimiter on Redis: one hash per bucket (tokens, last refill), checked and taken in one Lua script."""

from __future__ import annotations

import logging
from typing import Final

from services.gateway.rate_limit import Decision, Limit
from shared.redis_connection import REDIS_FAILURES, RedisConnection

logger = logging.getLogger(__name__)

# Atomic take: refill by the time since the last take (Redis's own clock, so gateways' clocks need not agree),
# take one token if there is one, keep the bucket only as long as it takes to fill up again (then it is full anyway).
# Returns {allowed, seconds to wait as a string} (Lua numbers come back as integers otherwise).
TAKE_SCRIPT: Final = """
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(wait)}
"""


class RedisRateLimiter(RedisConnection):
    """Token buckets shared by every gateway process; a Redis that fails lets the request through (logged)."""

    def __init__(self, url: str, *, timeout_s: float = 2.0, prefix: str = "pp:gw:rate") -> None:
        super().__init__(url, timeout_s=timeout_s)
        self.prefix = prefix
        self._take = self.redis.register_script(TAKE_SCRIPT)

    async def take(self, key: str, limit: Limit) -> Decision:
        """Take a token from the bucket at prefix:key."""
        try:
            allowed, wait = await self._take(keys=[f"{self.prefix}:{key}"], args=[limit.burst, limit.per_second])
        except REDIS_FAILURES as exc:
            logger.warning("rate_limit_store_failed", extra={"error": type(exc).__name__})
            return Decision(True)
        return Decision(bool(int(allowed)), float(wait))
