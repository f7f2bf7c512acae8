"""The embedded rating store: one SQLite file, for one person running the stack on a laptop."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from services.feedback.ratings import Rating
from shared.errors import StoreUnavailable
from shared.features import AudioFeatures

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ratings (
    id TEXT PRIMARY KEY,
    playlist_id TEXT NOT NULL,
    session TEXT,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    features TEXT NOT NULL,
    model_version TEXT NOT NULL,
    track_ids TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ratings_by_playlist ON ratings (playlist_id, created_at);
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
        self._lock = threading.Lock()

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def locked() -> T:
            with self._lock:
                return fn(self._conn)

        try:
            return await asyncio.wait_for(asyncio.to_thread(locked), timeout=self.timeout_s)
        except (TimeoutError, sqlite3.OperationalError) as exc:
            raise StoreUnavailable(f"the SQLite rating store failed: {exc}", retry_after=2) from exc

    async def put(self, rating: Rating) -> bool:
        """Insert or replace the rating with this id; True when it was new."""
        row = (
            rating.id,
            rating.playlist_id,
            rating.session,
            rating.rating,
            rating.features.model_dump_json(),
            rating.model_version,
            json.dumps(rating.track_ids),
            rating.created_at.isoformat(),
        )

        def upsert(conn: sqlite3.Connection) -> bool:
            with conn:  # one transaction: the existence check and the write see the same state
                conn.execute("BEGIN IMMEDIATE")
                existed = conn.execute("SELECT 1 FROM ratings WHERE id = ?", (rating.id,)).fetchone() is not None
                conn.execute("INSERT OR REPLACE INTO ratings VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
            return not existed

        return await self._run(upsert)

    async def for_playlist(self, playlist_id: str) -> list[Rating]:
        """Every rating of one playlist, oldest first."""

        def select(conn: sqlite3.Connection) -> list[tuple[str, ...]]:
            query = "SELECT * FROM ratings WHERE playlist_id = ? ORDER BY created_at, id"
            return conn.execute(query, (playlist_id,)).fetchall()

        return [_from_row(row) for row in await self._run(select)]

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        return bool(await self._run(lambda conn: conn.execute("SELECT 1").fetchone()))

    async def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._conn.close()


def _from_row(row: tuple[str, ...]) -> Rating:
    rid, playlist_id, session, rating, features, model_version, track_ids, created_at = row
    return Rating(
        id=rid,
        playlist_id=playlist_id,
        session=session,
        rating=int(rating),  # type: ignore[arg-type]  # CHECK constraint keeps it to -1 / 1
        features=AudioFeatures.model_validate_json(features),
        model_version=model_version,
        track_ids=json.loads(track_ids),
        created_at=created_at,  # type: ignore[arg-type]  # pydantic parses the ISO string
    )
