"""Signing in keeps what the guest rated: a session's ratings move to the Spotify account (rater `spotify:<id>`).

Each rating is written under the account with its own `rated_at`, through the store's conditional write, so a later
rating the account already has for that playlist wins; then the session's copy is deleted. Moving again finds
nothing left under the session: the transfer is idempotent, and a retry after a failure half-way finishes the job.
Ratings still queued in the outbox (the store was down) stay the session's.
"""

from __future__ import annotations

import logging

from services.feedback.ratings import RatingStore, rater_key, rating_id

log = logging.getLogger("pressedplay.feedback")


async def move_session_ratings(store: RatingStore, *, session: str, user: str) -> int:
    """Move every stored rating of the session to the user; how many were moved."""
    account = rater_key(user=user, session=None)
    moved = 0
    for rating in await store.for_rater(rater_key(user=None, session=session)):
        carried = rating.model_copy(
            update={"id": rating_id(playlist_id=rating.playlist_id, rater=account), "rater": account, "user": user}
        )
        await store.put(carried)  # "unchanged" when the account rated the playlist later: the later one stays
        await store.delete(rating.playlist_id, rating.id, created_at=rating.created_at)
        moved += 1
    log.info("ratings.carried", extra={"moved": moved})
    return moved
