"""Server-Timing: the header a made playlist carries, and the concurrent steps of making one."""

from __future__ import annotations

import asyncio

import pytest

from services.gateway.playlists import both_at_once
from shared.errors import InvalidInput, UpstreamUnavailable
from shared.server_timing import ServerTiming, format_server_timing, parse_server_timing


def test_spans_add_up_by_name_and_render_as_the_header() -> None:
    timing = ServerTiming()
    timing.add("predict", 10.04)
    timing.add("predict", 2.0)
    timing.add("recommend", 3.0)
    assert timing.as_dict() == pytest.approx({"predict": 12.04, "recommend": 3.0})
    assert timing.header() == "predict;dur=12.0, recommend;dur=3.0"


def test_a_span_is_recorded_when_its_block_raises() -> None:
    timing = ServerTiming()
    with pytest.raises(RuntimeError), timing.span("genres"):
        raise RuntimeError("upstream down")
    assert "genres" in timing.as_dict()


def test_an_upstreams_header_is_merged_under_a_prefix_and_garbage_is_dropped() -> None:
    timing = ServerTiming()
    timing.merge(
        'decode;dur=1.5, model;desc="batch";dur=9, cache;desc=hit, bad;dur=x, nan;dur=nan, ;dur=2', prefix="inference"
    )
    assert timing.as_dict() == {"inference-decode": 1.5, "inference-model": 9.0}


@pytest.mark.parametrize("name", ["", "a b", "x;dur=1", "é", "n" * 41])
def test_a_name_that_is_not_a_token_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="Server-Timing"):
        ServerTiming().add(name, 1.0)


def test_parse_reads_what_format_writes() -> None:
    durations = {"genres": 3.1, "inference-model": 8.9}
    assert parse_server_timing(format_server_timing(durations)) == durations
    assert parse_server_timing("") == {}
    assert parse_server_timing("a;dur=-1, b;dur=inf") == {}


def test_both_at_once_runs_the_two_steps_at_once() -> None:
    started: list[str] = []
    both_started = asyncio.Event()

    async def step(name: str) -> str:
        started.append(name)
        if len(started) == 2:
            both_started.set()
        await asyncio.wait_for(both_started.wait(), timeout=2)  # each waits until both have begun
        return name

    assert asyncio.run(both_at_once(step("genres"), step("predict"))) == ("genres", "predict")


def test_the_first_steps_error_wins_even_when_the_second_failed_sooner() -> None:
    async def typo() -> list[str]:
        await asyncio.sleep(0.05)
        raise InvalidInput("unknown genre 'vaporwave'")

    async def inference_down() -> str:
        raise UpstreamUnavailable("inference is down", retry_after=5)

    with pytest.raises(InvalidInput, match="vaporwave"):
        asyncio.run(both_at_once(typo(), inference_down()))


def test_the_first_steps_failure_cancels_the_second_and_errors_are_raised_unwrapped() -> None:
    cancelled: list[str] = []

    async def slow(name: str) -> str:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append(name)
            raise
        return name

    async def typo() -> list[str]:
        await asyncio.sleep(0)
        raise InvalidInput("unknown genre 'vaporwave'")

    async def resolved() -> list[str]:
        await asyncio.sleep(0.05)
        return ["pop"]

    with pytest.raises(InvalidInput, match="vaporwave"):
        asyncio.run(both_at_once(typo(), slow("predict")))
    assert cancelled == ["predict"]
    # The second's error is the answer once the first has answered without one.
    with pytest.raises(InvalidInput, match="vaporwave"):
        asyncio.run(both_at_once(resolved(), typo()))
