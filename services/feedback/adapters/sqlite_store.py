"""The embedded rating store: one SQLite file, for one person running the stack on a laptop.

Each rating is a JSON document beside the columns it is looked up by; the conditional write checks and writes in
one IMMEDIATE transaction."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from services.feedback.ratings import PutResult, Rating, rating_id, should_replace, timestamp
from shared.errors import StoreUnavailable

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ratings_v2 (
    id TEXT PRIMARY KEY,
    playlist_id TEXT NOT NULL,
    rater TEXT NOT NULL,
    created_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ratings_v2_by_playlist ON ratings_v2 (playlist_id, created_at);
CREATE INDEX IF NOT EXISTS ratings_v2_by_rater ON ratings_v2 (rater, created_at);
"""


class SqliteRatingStore:
    """RatingStore on a SQLite file; calls run in a worker thread so the event loop never blocks on disk."""

    def __init__(self, path: Path, *, timeout_s: float = 5.0) -> None:
        self.path = path
        self.timeout_s = timeout_s
        path.parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by worker threads, serialised by a lock (SQLite writes serialise anyway).
        self._conn = sqlite3.connect(path, timeout=timeout_s, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)
        _migrate_v1(self._conn)
        self._lock = threading.Lock()

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def locked() -> T:
            with self._lock:
                return fn(self._conn)

        try:
            return await asyncio.wait_for(asyncio.to_thread(locked), timeout=self.timeout_s)
        except (TimeoutError, sqlite3.OperationalError) as exc:
            raise StoreUnavailable(f"the SQLite rating store failed: {exc}", retry_after=2) from exc

    async def put(self, rating: Rating) -> PutResult:
        """Write if new, or newer and not a retry (one transaction: the check and the write see the same state)."""
        row = (rating.id, rating.playlist_id, rating.rater, timestamp(rating.created_at), rating.model_dump_json())

        def upsert(conn: sqlite3.Connection) -> PutResult:
            conn.execute("BEGIN IMMEDIATE")
            try:
                found = conn.execute("SELECT body FROM ratings_v2 WHERE id = ?", (rating.id,)).fetchone()
                stored = Rating.model_validate_json(found[0]) if found else None
                if not should_replace(stored, rating):
                    conn.execute("COMMIT")
                    return PutResult("unchanged", stored.photo_ref if stored else None)
                conn.execute("INSERT OR REPLACE INTO ratings_v2 VALUES (?, ?, ?, ?, ?)", row)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return PutResult("created") if stored is None else PutResult("replaced", stored.photo_ref)

        return await self._run(upsert)

    async def _select(self, where: str, args: tuple[str, ...]) -> list[Rating]:
        def select(conn: sqlite3.Connection) -> list[tuple[str]]:
            return conn.execute(f"SELECT body FROM ratings_v2 WHERE {where} ORDER BY created_at, id", args).fetchall()

        return [Rating.model_validate_json(body) for (body,) in await self._run(select)]

    async def get(self, playlist_id: str, rating_id: str) -> Rating | None:
        """One rating, or None."""
        found = await self._select("playlist_id = ? AND id = ?", (playlist_id, rating_id))
        return found[0] if found else None

    async def for_playlist(self, playlist_id: str) -> list[Rating]:
        """Every rating of one playlist, oldest first."""
        return await self._select("playlist_id = ?", (playlist_id,))

    async def for_rater(self, rater: str) -> list[Rating]:
        """Every rating of one rater, oldest first."""
        return await self._select("rater = ?", (rater,))

    async def delete(self, playlist_id: str, rating_id: str, *, created_at: datetime | None = None) -> bool:
        """Delete one rating (only the version made at `created_at`, when given)."""
        query = "DELETE FROM ratings_v2 WHERE playlist_id = ? AND id = ?"
        args: tuple[str, ...] = (playlist_id, rating_id)
        if created_at is not None:
            query += " AND created_at = ?"
            args = (*args, timestamp(created_at))
        return bool(await self._run(lambda conn: conn.execute(query, args).rowcount))

    async def scan(self, *, limit: int, cursor: str | None = None) -> tuple[list[Rating], str | None]:
        """One page in id order; the cursor is the last id of the page."""

        def page(conn: sqlite3.Connection) -> list[tuple[str, str]]:
            query = "SELECT id, body FROM ratings_v2 WHERE id > ? ORDER BY id LIMIT ?"
            return conn.execute(query, (cursor or "", limit)).fetchall()

        rows = await self._run(page)
        ratings = [Rating.model_validate_json(body) for _, body in rows]
        return ratings, (rows[-1][0] if len(rows) == limit else None)

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        return bool(await self._run(lambda conn: conn.execute("SELECT 1").fetchone()))

    async def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._conn.close()


def _migrate_v1(conn: sqlite3.Connection) -> None:
    """Copy ratings from the first schema (table `ratings`, before raters) once, keyed by session as before."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "ratings" not in tables or conn.execute("SELECT 1 FROM ratings_v2 LIMIT 1").fetchone():
        return
    query = "SELECT id, playlist_id, session, rating, features, model_version, track_ids, created_at FROM ratings"
    with conn:
        for rid, playlist_id, session, value, features, version, tracks, created in conn.execute(query).fetchall():
            rater = f"session:{session}" if session else f"anon:{rid}"
            rating = Rating(
                # Today's id for (playlist, rater), so rating the playlist again replaces the carried-over rating.
                id=rating_id(playlist_id=playlist_id, rater=rater) if session else rid,
                playlist_id=playlist_id,
                rater=rater,
                session=session,
                rating=int(value),  # type: ignore[arg-type]  # the old CHECK kept it to -1 / 1
                features=json.loads(features),
                model_version=version,
                track_ids=json.loads(tracks),
                created_at=datetime.fromisoformat(created),
            )
            row = (rating.id, playlist_id, rating.rater, timestamp(rating.created_at), rating.model_dump_json())
            conn.execute("INSERT OR IGNORE INTO ratings_v2 VALUES (?, ?, ?, ?, ?)", row)
