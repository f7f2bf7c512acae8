"""Signing in keeps what the guest made: at the sign-in callback, the guest session's playlists are copied into the
new signed-in session (ratings of them then go to the Spotify account), and its ratings are moved to the account by
the feedback service (POST /v1/ratings/transfer). Both are idempotent: each sign-in copies the playlists the
session holds into its new session (the same ids, so nothing is listed twice) and finds no ratings left under the
old one."""

from __future__ import annotations

import logging

from services.gateway.adapters.upstreams import Upstreams, parse_upstream
from services.gateway.sessions import SessionStore, session_key
from shared.errors import ServiceError
from shared.rating import RaterTransfer, TransferredRatings

log = logging.getLogger("pressedplay.gateway")


async def carry_guest_session(
    *, upstreams: Upstreams, sessions: SessionStore, guest_token: str, new_token: str, user_id: str, ttl_s: int
) -> None:
    """Copy the guest session's playlists and move its ratings to the account; a failure is logged, never the
    sign-in's (the person is signed in either way)."""
    guest, signed_in = session_key(guest_token), session_key(new_token)
    try:
        carried = await sessions.playlists(session=guest)
        for playlist in carried:
            owned = playlist.model_copy(update={"spotify_user": playlist.spotify_user or user_id})
            await sessions.put_playlist(session=signed_in, playlist=owned, ttl_s=ttl_s)
        body = RaterTransfer(session=guest, user=user_id).model_dump()
        answer = await upstreams.feedback.request("POST", "/v1/ratings/transfer", json=body)
        moved = parse_upstream(TransferredRatings, answer, service="feedback").moved
    except ServiceError as exc:
        log.warning("session.carry_failed", extra={"error": exc.name})
        return
    log.info("session.carried", extra={"playlists": len(carried), "ratings": moved})
