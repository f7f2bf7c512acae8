"""Another take: the same photo and settings, other tracks. Every take is a playlist of its own (its own id, ratings
and exports), and each knows the ids of all takes of its photo, in order, so a person can go back to any of them.

A new take asks the playlist service for the same request, leaving out most tracks of the takes before it
(`shared.recommendation.another_take` says which).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from services.gateway.adapters.upstreams import Upstreams
from services.gateway.playlists import new_playlist_id, numbered_as_sent, public_tracks
from services.gateway.schemas import StoredPlaylist
from services.gateway.sessions import SessionStore
from shared.errors import Conflict
from shared.recommendation import AlbumRequest, Recommendation, another_take

# Takes of one photo; a person who wants more starts again from the photo (the ids travel with every take).
MAX_TAKES: Final = 10
# A take this much farther from the photo than the one before says so (issue 19 asks for within 10 %).
FARTHER: Final = 1.10


class TooManyTakes(Conflict):
    """This photo already has MAX_TAKES takes."""


async def next_take(
    *, upstreams: Upstreams, sessions: SessionStore, session: str, origin: StoredPlaylist
) -> tuple[list[StoredPlaylist], StoredPlaylist]:
    """The takes so far (as stored) and the next take of the photo `origin` was made from (any take may be given);
    nothing is stored yet (`keep_takes` does, once the take is complete, e.g. on Spotify)."""
    ids = origin.takes or [origin.id]
    if len(ids) >= MAX_TAKES:
        raise TooManyTakes(f"this photo already has {MAX_TAKES} takes; upload it again for a fresh start")
    earlier = [p for p in [await sessions.get_playlist(session=session, playlist_id=i) for i in ids] if p is not None]
    request = another_take(origin.asked(), [p.recommendation.tracks for p in earlier])
    if isinstance(request, AlbumRequest):
        answer = await upstreams.recommend_album(request)
    else:
        answer = await upstreams.recommend(request)
    # Numbered as the origin's photos were sent (its `photos` are in playing order).
    recommendation = numbered_as_sent(answer, [photo.index for photo in origin.photos] or [0])
    warnings = [*recommendation.warnings, *_farther(earlier[-1].recommendation if earlier else None, recommendation)]
    take_id = new_playlist_id()
    take = origin.model_copy(
        update={
            "id": take_id,
            "created_at": datetime.now(UTC),
            "tracks": public_tracks(recommendation),
            "warnings": warnings,
            "recommendation": recommendation,
            "request": request,
            "spotify": None,
            "takes": [*ids, take_id],
        }
    )
    return earlier, take


def _farther(previous: Recommendation | None, take: Recommendation) -> list[str]:
    """A warning when few other tracks sit as close to the photo (a small genre): the take is noticeably farther."""
    if previous is None or not previous.tracks or not take.tracks:
        return []
    before = sum(t.distance for t in previous.tracks) / len(previous.tracks)
    now = sum(t.distance for t in take.tracks) / len(take.tracks)
    if before <= 0 or now <= FARTHER * before:
        return []
    return [f"few other tracks sit this close to your photo: this take is {now / before - 1:.0%} farther from it"]


async def keep_takes(
    *, sessions: SessionStore, session: str, earlier: list[StoredPlaylist], take: StoredPlaylist, ttl_s: int
) -> None:
    """Store the new take, and tell every earlier take about it."""
    for playlist in [*(p.model_copy(update={"takes": take.takes}) for p in earlier), take]:
        await sessions.put_playlist(session=session, playlist=playlist, ttl_s=ttl_s)
