"""The gateway's service layer without HTTP in front of it: the playlist flow (inference, the playlist service, the
Spotify account, the session) called as a function, over httpx.MockTransport fakes of the three upstreams and an
in-process session store. The routes only parse and render around these calls (tests/unit/test_route_size.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from services.gateway.adapters.in_process import InProcessSessionStore
from services.gateway.adapters.upstreams import Upstreams
from services.gateway.service import GatewayService, Photo
from services.gateway.sessions import new_session_token, session_key
from services.gateway.settings import Settings
from shared.errors import UnsupportedMediaType
from shared.server_timing import parse_server_timing
from tests.unit.test_gateway_api import FakeUpstreams, jpeg_bytes
from tests.unit.test_gateway_profile_shares import SignedInFakes


@asynccontextmanager
async def gateway(fakes: FakeUpstreams) -> AsyncIterator[GatewayService]:
    settings = Settings()
    upstreams = Upstreams.from_settings(settings, fakes.transports())
    try:
        yield GatewayService(settings=settings, sessions=InProcessSessionStore(), upstreams=upstreams)
    finally:
        await upstreams.aclose()


def run(fakes: FakeUpstreams, flow: Callable[[GatewayService], Awaitable[None]]) -> None:
    async def main() -> None:
        async with gateway(fakes) as service:
            await flow(service)

    asyncio.run(main())


def test_a_guest_gets_a_playlist_kept_in_a_new_session() -> None:
    fakes = FakeUpstreams()

    async def flow(service: GatewayService) -> None:
        made = await service.make_playlist(
            token=None, photo=Photo(jpeg_bytes(), "image/jpeg"), genres="pop, Rock", n=4, mode="boost"
        )
        assert made.playlist.genres == ["pop", "rock"] and made.playlist.mode == "boost"
        assert len(made.playlist.tracks) == 4 and made.playlist.spotify is None
        assert made.playlist.photo is not None  # the copy a rating keeps
        kept = await service.sessions.get_playlist(session=session_key(made.token), playlist_id=made.playlist.id)
        assert kept is not None and kept.id == made.playlist.id
        assert {"predict", "recommend", "store"} <= set(parse_server_timing(made.timing.header()))

    run(fakes, flow)
    assert fakes.calls[:2] == ["inference", "playlist"]  # seed genres: no resolution hop; spotify not asked


def test_signed_in_the_playlist_follows_the_profile_and_lands_on_the_account() -> None:
    fakes = SignedInFakes()

    async def flow(service: GatewayService) -> None:
        token = new_session_token()
        made = await service.make_playlist(
            token=token, photo=Photo(jpeg_bytes(), "image/jpeg"), genres=None, n=4, mode="match"
        )
        assert made.token == token
        assert fakes.recommendations[-1]["genres"] == {"indie-pop": 6.0, "hip-hop": 2.0}
        assert made.playlist.spotify is not None and made.playlist.spotify.id == "sp1"
        assert made.playlist.spotify_user == "demo-user" and not made.playlist.spotify_pending
        assert [t.id for t in made.playlist.tracks] == [t.id for t in made.playlist.recommendation.tracks]
        again = await service.publish_again(playlist=made.playlist, token=token)
        assert again == made.playlist  # already on Spotify: nothing done twice

    run(fakes, flow)


def test_a_part_that_is_not_an_image_is_refused_before_any_upstream_is_asked() -> None:
    fakes = FakeUpstreams()

    async def flow(service: GatewayService) -> None:
        with pytest.raises(UnsupportedMediaType, match="text/plain"):
            await service.make_playlist(token=None, photo=Photo(b"hello", "text/plain"), genres=None, n=4, mode="match")

    run(fakes, flow)
    assert fakes.calls == []
