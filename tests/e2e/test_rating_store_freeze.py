"""Finding 4 of issue 14: the DynamoDB-API server frozen (SIGSTOP) while people rate through the gateway. Every
answer must be honest: a 2xx rating (201 stored, 202 queued in the outbox) is in the table exactly once once the
server is back; a rating answered with an error is not in the table at all."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_feedback_loop import make_playlists, rate, table_items

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FREEZE_S = 8.0
RATERS = 4  # people rating at once while the store is frozen
RATINGS_EACH = 4


def outbox_backlog(stack: Stack) -> int:
    return int(httpx.get(f"{stack.feedback}/readyz", timeout=10).json()["outbox"]["backlog"])


def wait_for(check: object, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} within {timeout_s} s"
        time.sleep(0.5)


def test_with_the_rating_store_frozen_every_answer_is_honest(stack: Stack) -> None:
    client = httpx.Client(base_url=stack.gateway, timeout=60)
    ids = make_playlists(client, RATERS * RATINGS_EACH)
    dynalite = stack.dynamodb_server.process
    assert dynalite is not None
    answers: dict[str, tuple[int, float, str]] = {}

    def rate_in_turn(mine: list[str]) -> None:
        for playlist_id in mine:
            start = time.monotonic()
            answer = rate(client, playlist_id, 1, key=f"freeze-{playlist_id}")
            answers[playlist_id] = (answer.status_code, time.monotonic() - start, answer.text[:200])

    def poll_readiness() -> None:  # as a load balancer would, every second: its probes must not open the breaker
        while time.monotonic() - frozen_at < FREEZE_S:
            httpx.get(f"{stack.gateway}/readyz", timeout=10)
            time.sleep(1)

    os.kill(dynalite.pid, signal.SIGSTOP)
    frozen_at = time.monotonic()
    try:
        with ThreadPoolExecutor(RATERS + 1) as pool:
            poller = pool.submit(poll_readiness)
            list(pool.map(rate_in_turn, [ids[i::RATERS] for i in range(RATERS)]))
            poller.result()
    finally:
        os.kill(dynalite.pid, signal.SIGCONT)

    wait_for(lambda: outbox_backlog(stack) == 0, 60, "the outbox drained")
    time.sleep(2)  # a put the store took just before the freeze ended lands now at the latest
    stored: dict[str, int] = {}
    for item in table_items(stack):
        playlist_id = item["playlist_id"]["S"]  # type: ignore[index]
        if playlist_id in answers:
            stored[playlist_id] = stored.get(playlist_id, 0) + 1
    statuses = sorted(status for status, _, _ in answers.values())
    print(f"\nfrozen {FREEZE_S} s, answers {statuses}, slowest {max(t for _, t, _ in answers.values()):.1f} s")
    assert 202 in statuses, "no rating was queued: the freeze did not reach the store"
    for playlist_id, (status, took, text) in answers.items():
        if 200 <= status < 300:
            assert stored.get(playlist_id) == 1, (
                f"answered {status} in {took:.1f} s but stored {stored.get(playlist_id)}"
            )
        else:
            assert playlist_id not in stored, f"answered {status} ({text}) in {took:.1f} s, yet stored"
    wait_for(lambda: httpx.get(f"{stack.gateway}/readyz", timeout=10).status_code == 200, 30, "the stack ready again")
