"""The gateway's running parts: the session store and the clients of the three upstream services."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from services.gateway.adapters.in_process import InProcessSessionStore
from services.gateway.adapters.redis_store import RedisSessionStore
from services.gateway.adapters.upstreams import Upstreams
from services.gateway.service import GatewayService
from services.gateway.sessions import SessionStore
from services.gateway.settings import Settings
from services.gateway.warmup import Warmup
from shared.errors import NotReady
from shared.readiness import ReadinessCheck, not_ready

UPSTREAMS = ("inference", "playlist", "feedback")


def build_session_store(settings: Settings) -> SessionStore:
    """Redis when GATEWAY_REDIS_URL is set, else an in-process store for a single person."""
    if settings.redis_url:
        return RedisSessionStore(settings.redis_url, timeout_s=settings.redis_timeout_s)
    return InProcessSessionStore(max_playlists=settings.max_in_process_playlists)


class GatewayRuntime:
    """Sessions and upstream clients, opened and closed by the lifespan; unit tests pass `transports` (httpx
    MockTransport fakes of the upstreams) and `sessions`."""

    def __init__(
        self,
        settings: Settings,
        *,
        sessions: SessionStore | None = None,
        transports: dict[str, httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        self.settings = settings
        self._given_sessions = sessions
        self._transports = transports
        self._sessions: SessionStore | None = None
        self._upstreams: Upstreams | None = None
        self._service: GatewayService | None = None
        self.warmup = Warmup(self._checks, wait_s=settings.warmup_wait_s)

    async def start(self) -> None:
        """Open the session store and the upstream clients."""
        self._sessions = self._given_sessions or build_session_store(self.settings)
        self._upstreams = Upstreams.from_settings(self.settings, self._transports)
        self._service = GatewayService(settings=self.settings, sessions=self._sessions, upstreams=self._upstreams)

    async def stop(self) -> None:
        """Close the clients and the store."""
        if self._upstreams is not None:
            await self._upstreams.aclose()
        if self._sessions is not None:
            await self._sessions.close()

    def checks(self) -> Mapping[str, ReadinessCheck]:
        """The session store answers; each upstream's /readyz says ready (each pass also ends its warm-up)."""
        return self.warmup.observing(self._checks())

    def _checks(self) -> Mapping[str, ReadinessCheck]:
        upstreams, store = self._upstreams, self._sessions
        if upstreams is None or store is None:
            return {"startup": not_ready}

        def upstream(name: str) -> ReadinessCheck:
            return lambda: upstreams.ready(name)

        return {"sessions": store.ping, **{name: upstream(name) for name in UPSTREAMS}}

    @property
    def service(self) -> GatewayService:
        """The use cases over the open store and clients (NotReady before start)."""
        if self._service is None:
            raise NotReady("the gateway is starting", retry_after=2)
        return self._service
