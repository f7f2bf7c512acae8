"""The feedback service's running parts: the rating store, the outbox and its delivery task, the photo store."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from services.feedback.adapters.photos import PhotoStore
from services.feedback.metrics import FeedbackMetrics
from services.feedback.outbox import Outbox
from services.feedback.ratings import RatingStore
from services.feedback.recorder import Recorder
from services.feedback.service import RatingService
from services.feedback.settings import Settings
from services.feedback.stores import build_photo_store, build_store
from shared.errors import NotReady
from shared.readiness import ReadinessCheck, not_ready

log = logging.getLogger("pressedplay.feedback")
STORE_PING_TIMEOUT_S = 1.0


class FeedbackRuntime:
    """The stores and the outbox; `store` / `photos` override the ones the settings name (tests)."""

    def __init__(
        self,
        settings: Settings,
        *,
        metrics: FeedbackMetrics,
        store: RatingStore | None = None,
        photos: PhotoStore | None = None,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self._given = store
        self._given_photos = photos
        self._recorder: Recorder | None = None
        self._service: RatingService | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        metrics.backlog.set_function(lambda: float(self._recorder.outbox.backlog) if self._recorder else 0.0)
        metrics.dead_letters.set_function(lambda: float(self._recorder.outbox.dead_letters) if self._recorder else 0.0)

    async def start(self) -> None:
        """Open the stores and the outbox, and start delivering what the outbox holds."""
        self._recorder = Recorder(
            store=self._given or build_store(self.settings),
            outbox=Outbox(self.settings.outbox_path),
            photos=self._given_photos or build_photo_store(self.settings),
            photo_inline_max_bytes=self.settings.photo_inline_max_bytes,
            put_timeout_s=self.settings.store_timeout_s,
        )
        self._service = RatingService(
            recorder=self._recorder,
            metrics=self.metrics,
            wake=self.wake,
            export_page_size=self.settings.export_page_size,
        )
        self._task = asyncio.create_task(self._deliver_forever(), name="feedback-outbox")

    async def stop(self) -> None:
        """Stop delivering; close the stores and the outbox (what it holds stays on disk)."""
        # Python 3.11's wait_for can swallow a cancel that meets its timeout (fixed in 3.12): the loop then also
        # ends on this flag, so stopping never waits forever for the delivery task.
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._recorder is not None:
            await self._recorder.store.close()
            self._recorder.outbox.close()

    def wake(self) -> None:
        """Try delivering now (a rating was just queued)."""
        self._wake.set()

    async def _deliver_forever(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.settings.outbox_retry_s)
            self._wake.clear()
            recorder = self.recorder
            if recorder.outbox.backlog == 0:
                continue
            try:
                sent = await recorder.deliver()
            except Exception:  # never let the delivery task die; the next round tries again
                log.exception("outbox.delivery_failed")
                continue
            if sent:
                self.metrics.delivered.inc(sent)

    async def _store_ping(self) -> bool:
        try:
            ping = self.recorder.store.ping()
            # Under the gateway's 2 s readiness probe: a frozen store must not make this service look down too
            # (the probe's timeouts would open the gateway's breaker, and ratings the outbox could take be refused).
            timeout_s = min(self.settings.store_timeout_s, STORE_PING_TIMEOUT_S)
            return bool(await asyncio.wait_for(ping, timeout_s))
        except Exception:
            return False

    def checks(self) -> Mapping[str, ReadinessCheck]:
        """Ready when ratings can be accepted: the outbox answers (the store may be down; ratings then wait)."""
        if self._recorder is None:
            return {"outbox": not_ready}
        return {"outbox": self._recorder.outbox.ping}

    async def details(self) -> dict[str, Any]:
        """What /readyz shows beside its checks: whether the store answers, the outbox's backlog and what it set
        aside."""
        if self._recorder is None:
            return {"store": False, "outbox": {"backlog": 0, "oldest_s": 0.0, "dead_letters": 0}}
        outbox = self._recorder.outbox
        return {
            "store": await self._store_ping(),
            "outbox": {
                "backlog": outbox.backlog,
                "oldest_s": round(await outbox.oldest_age_s(), 3),
                "dead_letters": outbox.dead_letters,
            },
        }

    @property
    def recorder(self) -> Recorder:
        """The open write path (NotReady before the lifespan has started it)."""
        if self._recorder is None:
            raise NotReady("the rating store is not open yet", retry_after=2)
        return self._recorder

    @property
    def service(self) -> RatingService:
        """The use cases over the open write path (NotReady before the lifespan has started it)."""
        if self._service is None:
            raise NotReady("the rating store is not open yet", retry_after=2)
        return self._service

    @property
    def store(self) -> RatingStore:
        """The open store."""
        return self.recorder.store
