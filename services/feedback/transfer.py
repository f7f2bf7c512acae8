"""Signing in keeps what the guest rated: a session's ratings move to the Spotify account (rater `spotify:<id>`).

Each rating is written under the account with its own `rated_at`, through the store's conditional write, so a later
rating the account already has for that playlist wins; then the session's copy is deleted. Moving again finds
nothing left under the session: the transfer is idempotent, and a retry after a failure half-way finishes the job.
Ratings still queued in the outbox (the store was down) are rewritten there first, so they reach the store as the
account's; one the delivery task had already taken from the queue lands as the session's and moves next time.
"""

from __future__ import annotations

import logging

from services.feedback.adapters.photos import PhotoStore, drop_unreferenced_photo
from services.feedback.outbox import Outbox
from services.feedback.ratings import Rating, RatingStore, rater_key, rating_id

log = logging.getLogger("pressedplay.feedback")


async def move_session_ratings(
    store: RatingStore, photos: PhotoStore, *, session: str, user: str, outbox: Outbox | None = None
) -> int:
    """Move every rating of the session, queued or stored, to the user; how many were moved. A photo no rating points
    to afterwards (the account's replaced rating's, or the guest's when the account's later rating stays) is
    deleted."""
    account = rater_key(user=user, session=None)

    def carried(rating: Rating) -> Rating:
        changes = {"id": rating_id(playlist_id=rating.playlist_id, rater=account), "rater": account, "user": user}
        return rating.model_copy(update=changes)

    guest = rater_key(user=None, session=session)
    queued = await outbox.reassign(guest, carried) if outbox is not None else 0
    moved = 0
    for rating in await store.for_rater(guest):
        put = await store.put(carried(rating))  # "unchanged" when the account rated the playlist later: it stays
        await drop_unreferenced_photo(photos, written=rating.photo_ref, put=put)
        await store.delete(rating.playlist_id, rating.id, created_at=rating.created_at)
        moved += 1
    log.info("ratings.carried", extra={"moved": moved, "queued": queued})
    return moved + queued
