"""A circuit breaker per upstream: once a dependency is known down, callers are refused at once (503 + Retry-After)
instead of each waiting out a timeout.

Closed: calls go through; `failures` consecutive failures (cannot connect, timed out) open it. Open: every call is
refused for `open_s`. Then half-open: one call goes through as a probe while the others are still refused; its
success closes the breaker, its failure opens it again; a probe abandoned without an answer (its caller cancelled
it) frees the slot for the next call.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    """Where the breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Counts consecutive failures of one upstream and refuses calls while it is open."""

    def __init__(self, *, failures: int = 3, open_s: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures = failures
        self.open_s = open_s
        self._clock = clock
        self._consecutive = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        """Closed, open, or half-open (the open time is over: the next call is a probe)."""
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at < self.open_s:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def retry_after_s(self) -> int | None:
        """Whole seconds until a call may go through; None when one may go through now (and is then let through)."""
        state = self.state
        if state is BreakerState.CLOSED:
            return None
        if state is BreakerState.HALF_OPEN and not self._probing:
            self._probing = True
            return None
        if state is BreakerState.HALF_OPEN:
            return 1
        assert self._opened_at is not None
        return max(1, math.ceil(self.open_s - (self._clock() - self._opened_at)))

    def record_success(self) -> None:
        """The upstream answered: close."""
        self._consecutive = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self) -> None:
        """The upstream could not be reached or did not answer in time."""
        self._consecutive += 1
        if self._probing or self._consecutive >= self.failures:
            self._opened_at = self._clock()
        self._probing = False

    def record_abandoned(self) -> None:
        """A call ended without an answer or a failure (its caller cancelled it): a probe's slot goes to the next
        call, else a cancelled probe would keep the breaker half-open and refusing forever."""
        self._probing = False
