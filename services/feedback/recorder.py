"""Recording ratings so none is lost: the store when it answers, the outbox when it does not, and the delivery
of the outbox in order once the store is back. Also a rater's own ratings (list, delete with their photos)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pydantic import ValidationError

from services.feedback.adapters.photos import PhotoStore, drop_unreferenced_photo, with_photo
from services.feedback.outbox import Outbox
from services.feedback.ratings import PutOutcome, Rating, RatingStore
from shared.errors import DeadlinePassed, StoreUnavailable

log = logging.getLogger("pressedplay.feedback")
Recorded = PutOutcome | Literal["queued"]
# Time kept back from a caller's deadline for queueing in the outbox and answering once a store attempt gives up.
OUTBOX_RESERVE_S = 0.5


@dataclass
class Recorder:
    """The write path of the feedback service."""

    store: RatingStore
    outbox: Outbox
    photos: PhotoStore
    photo_inline_max_bytes: int
    put_timeout_s: float = 2.0

    def _photo_key(self, rating: Rating) -> str | None:
        """Where the rating's photo goes, when it is too large to sit in the rating: one key per rating and moment,
        so sending the same rating again writes the same object."""
        if rating.photo is None or len(rating.photo) <= self.photo_inline_max_bytes:
            return None
        return f"ratings/{rating.id}-{rating.created_at:%Y%m%dT%H%M%S%f}.jpg"

    async def _offload_photo(self, rating: Rating) -> Rating:
        key = self._photo_key(rating)
        if key is None or rating.photo is None:
            return rating
        ref = await self.photos.put(key, rating.photo)
        return rating.model_copy(update={"photo": None, "photo_ref": ref})

    async def record(self, rating: Rating, *, deadline: float | None = None) -> Recorded:
        """Store the rating, or keep it in the outbox when the store is unreachable or slower than `put_timeout_s`
        and the caller's `deadline` allow (or still has a backlog, so that ratings reach the store in the order
        they were made). A caller with too little time left is refused before anything is kept (DeadlinePassed, 408):
        an answer is either "kept" or "failed and not kept", never "failed" for a rating kept anyway."""
        budget = self.put_timeout_s
        if deadline is not None:
            budget = min(budget, deadline - time.time() - OUTBOX_RESERVE_S)
            if budget <= 0:
                raise DeadlinePassed("the caller's deadline passed before the rating could be kept; nothing was kept")
        if self.outbox.backlog == 0:
            try:
                # A put cut off here may still land in the store; the outbox's copy then arrives as "unchanged".
                outcome = await asyncio.wait_for(self._put(rating), timeout=budget)
            except (StoreUnavailable, TimeoutError) as exc:
                reason = str(exc)[:200] or "the store did not answer in time"
                log.warning("rating.queued", extra={"rating_id": rating.id, "reason": reason})
            else:
                log.info("rating.recorded", extra={"rating_id": rating.id, "outcome": outcome})
                return outcome
        await self.outbox.add(rating)
        return "queued"

    async def _put(self, rating: Rating) -> PutOutcome:
        stored = await self._offload_photo(rating.model_copy(update={"stored_at": datetime.now(UTC)}))
        put = await self.store.put(stored)
        await drop_unreferenced_photo(self.photos, written=stored.photo_ref, put=put)
        return put.outcome

    async def deliver(self, *, batch: int = 100) -> int:
        """Deliver the outbox oldest first until it is empty or the store is unavailable; returns how many went. A
        rating failing any other way (the store refused it for good) is set aside, so it holds back nothing."""
        sent = 0
        while True:
            pending = await self.outbox.head(batch)
            if not pending:
                return sent
            for seq, rating in pending:
                try:
                    outcome = await self._put(rating)
                except StoreUnavailable:
                    return sent
                except Exception as exc:
                    reason = f"{type(exc).__name__}: {exc}"
                    extra = {"rating_id": rating.id, "seq": seq, "reason": reason[:300]}
                    log.error("rating.set_aside", exc_info=exc, extra=extra)
                    await self.outbox.set_aside(seq, reason=reason)
                    continue
                await self.outbox.remove(seq)
                sent += 1
                log.info("rating.delivered", extra={"rating_id": rating.id, "outcome": outcome, "seq": seq})

    async def with_photo(self, rating: Rating) -> Rating:
        """The rating with its photo bytes, fetched from the photo store when it has a reference."""
        return await with_photo(rating, self.photos)

    async def for_raters(self, raters: list[str]) -> list[Rating]:
        """Every rating of these raters (photos included), oldest first."""
        found = [rating for rater in raters for rating in await self.store.for_rater(rater)]
        return sorted([await self.with_photo(r) for r in found], key=lambda r: (r.created_at, r.id))

    async def delete_raters(self, raters: list[str]) -> int:
        """Delete every rating of these raters and their photo objects; returns how many ratings went."""
        forgotten = await self.outbox.drop_raters(raters)
        deleted = len(forgotten)
        for body in forgotten:
            # A store attempt cut off by an outage may have written the photo of a rating still waiting.
            with contextlib.suppress(ValidationError):
                key = self._photo_key(Rating.model_validate_json(body))
                if key is not None:
                    await self.photos.delete(key)
        for rater in raters:
            for rating in await self.store.for_rater(rater):
                if await self.store.delete(rating.playlist_id, rating.id):
                    deleted += 1
                if rating.photo_ref is not None:
                    await self.photos.delete(rating.photo_ref)
        return deleted
