"""Signing in moves a guest's ratings to the account: those in the store and those still queued in the outbox (the
store was down when they were given), once; an account rating made later is kept. No photo outlives its rating: the
photo of the account's rating the guest's replaces is deleted, and so is the guest's photo when the account's later
rating stays."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.feedback.adapters.photos import FolderPhotoStore
from services.feedback.adapters.sqlite_store import SqliteRatingStore
from services.feedback.outbox import Outbox
from services.feedback.ratings import Rating, new_rating
from services.feedback.transfer import move_session_ratings
from shared.features import AudioFeatures
from tests.unit.test_feedback_api import FEATURES

GUEST = "a" * 64
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def rating(playlist_id: str, value: int, *, at: datetime, session: str | None = GUEST, user: str | None = None):
    return new_rating(
        playlist_id=playlist_id,
        rating=value,  # type: ignore[arg-type]
        features=AudioFeatures(**FEATURES),
        model_version="m1",
        track_ids=["t1"],
        session=None if user else session,
        user=user,
        now=at,
    )


def test_stored_and_queued_guest_ratings_move_to_the_account_once(tmp_path: Path) -> None:
    async def run() -> None:
        store = SqliteRatingStore(tmp_path / "ratings.sqlite3")
        outbox = Outbox(tmp_path / "outbox.sqlite3")
        await store.put(rating("stored", 1, at=T0))
        await store.put(rating("rated-again", 1, at=T0))
        await store.put(rating("rated-again", -1, at=T0 + timedelta(minutes=5), user="demo"))  # later, signed in
        await outbox.add(rating("queued", -1, at=T0))
        await outbox.add(rating("someone-else", 1, at=T0, session="b" * 64))

        photos = FolderPhotoStore(tmp_path / "photos")
        assert await move_session_ratings(store, photos, session=GUEST, user="demo", outbox=outbox) == 3
        mine = {r.playlist_id: r.rating for r in await store.for_rater("spotify:demo")}
        assert mine == {"stored": 1, "rated-again": -1}  # the later account rating stayed
        assert await store.for_rater(f"session:{GUEST}") == []
        queued = [r for _, r in await outbox.head()]
        assert [(r.playlist_id, r.rater, r.user) for r in queued] == [
            ("queued", "spotify:demo", "demo"),
            ("someone-else", f"session:{'b' * 64}", None),
        ]
        assert await move_session_ratings(store, photos, session=GUEST, user="demo", outbox=outbox) == 0
        outbox.close()

    asyncio.run(run())


def test_a_photo_no_rating_points_to_after_the_move_is_deleted(tmp_path: Path) -> None:
    async def run() -> None:
        store = SqliteRatingStore(tmp_path / "ratings.sqlite3")
        photos = FolderPhotoStore(tmp_path / "photos")

        async def with_photo(made: Rating, key: str) -> Rating:
            return made.model_copy(update={"photo_ref": await photos.put(key, b"\xff\xd8" + key.encode())})

        # "replaced": the guest rated after the account did; "kept": the account rated after the guest did.
        await store.put(await with_photo(rating("replaced", 1, at=T0, user="demo"), "ratings/account-old.jpg"))
        await store.put(await with_photo(rating("replaced", -1, at=T0 + timedelta(minutes=1)), "ratings/guest-new.jpg"))
        await store.put(await with_photo(rating("kept", 1, at=T0), "ratings/guest-old.jpg"))
        await store.put(
            await with_photo(rating("kept", -1, at=T0 + timedelta(minutes=1), user="demo"), "ratings/account-new.jpg")
        )

        assert await move_session_ratings(store, photos, session=GUEST, user="demo") == 2
        mine = {r.playlist_id: (r.rating, r.photo_ref) for r in await store.for_rater("spotify:demo")}
        assert mine == {"replaced": (-1, "ratings/guest-new.jpg"), "kept": (-1, "ratings/account-new.jpg")}
        left = sorted(path.name for path in (tmp_path / "photos" / "ratings").iterdir())
        assert left == ["account-new.jpg", "guest-new.jpg"]  # before: all four stayed, two of them unreachable
        await store.close()

    asyncio.run(run())
