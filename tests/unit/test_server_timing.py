"""Server-Timing: the header a made playlist carries, and the concurrent steps of making one."""

from __future__ import annotations

import asyncio

import pytest

from services.gateway.playlists import gather_or_cancel
from shared.errors import InvalidInput
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


def test_gather_or_cancel_runs_the_steps_at_once() -> None:
    started: list[str] = []
    both_started = asyncio.Event()

    async def step(name: str) -> str:
        started.append(name)
        if len(started) == 3:
            both_started.set()
        await asyncio.wait_for(both_started.wait(), timeout=2)  # each waits until all three have begun
        return name

    result = asyncio.run(gather_or_cancel(step("genres"), step("predict"), step("photo")))
    assert result == ("genres", "predict", "photo")


def test_the_first_failure_cancels_the_others_and_is_raised_unwrapped() -> None:
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

    async def run() -> None:
        await gather_or_cancel(typo(), slow("predict"), slow("photo"))

    with pytest.raises(InvalidInput, match="vaporwave"):
        asyncio.run(run())
    assert sorted(cancelled) == ["photo", "predict"]
