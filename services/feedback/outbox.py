"""The outbox: ratings accepted while the store is unreachable, kept on local disk until they are delivered.

A SQLite file in WAL mode with synchronous=FULL: an accepted rating survives a crash of the process. Rows are
delivered oldest first (`seq`), and each is removed only after the store took it; a crash between the two re-sends
it, which the store's conditional write turns into a no-op (same id, same idempotency key or not newer). So
delivery is in order and without duplicates.

A rating the store refuses for good (or that no longer reads as a rating) moves to the `dead_letter` table of the
same file with the reason, so it cannot hold back the ratings queued behind it; it stays there, counted in
/metrics and /readyz, for a person to look at (`SELECT seq, reason FROM dead_letter`), and is deleted with its
rater's ratings.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from services.feedback.ratings import Rating

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    rater TEXT NOT NULL,
    rating TEXT NOT NULL,
    enqueued_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS dead_letter (
    seq INTEGER PRIMARY KEY,
    rater TEXT NOT NULL,
    rating TEXT NOT NULL,
    enqueued_at REAL NOT NULL,
    failed_at REAL NOT NULL,
    reason TEXT NOT NULL
);
"""


class Outbox:
    """A durable FIFO of ratings; every call runs in a worker thread so the event loop never waits on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()
        # Kept current so /metrics and /readyz read them without a query.
        self.backlog = self._count()
        self.dead_letters = self._count("dead_letter")

    def _count(self, table: str = "outbox") -> int:
        return int(self._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def locked() -> T:
            with self._lock:
                return fn(self._conn)

        return await asyncio.to_thread(locked)

    async def add(self, rating: Rating) -> None:
        """Append a rating (durable when this returns)."""
        body = rating.model_dump_json()

        def insert(conn: sqlite3.Connection) -> None:
            values = (rating.rater, body, time.time())
            conn.execute("INSERT INTO outbox (rater, rating, enqueued_at) VALUES (?, ?, ?)", values)
            self.backlog = self._count()

        await self._run(insert)

    async def head(self, limit: int = 100) -> list[tuple[int, Rating]]:
        """The oldest `limit` entries, oldest first; an entry that does not read as a rating is set aside."""

        def select(conn: sqlite3.Connection) -> list[tuple[int, str]]:
            return conn.execute("SELECT seq, rating FROM outbox ORDER BY seq LIMIT ?", (limit,)).fetchall()

        entries: list[tuple[int, Rating]] = []
        for seq, body in await self._run(select):
            try:
                entries.append((seq, Rating.model_validate_json(body)))
            except ValidationError as exc:
                await self.set_aside(seq, reason=f"not a rating: {exc}")
        return entries

    async def set_aside(self, seq: int, *, reason: str) -> None:
        """Move an entry to the dead letters (one transaction), so the entries behind it are delivered."""

        def move(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(
                    "INSERT OR REPLACE INTO dead_letter SELECT seq, rater, rating, enqueued_at, ?, ? FROM outbox "
                    "WHERE seq = ?",
                    (time.time(), reason[:2000], seq),
                )
                conn.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self.backlog, self.dead_letters = self._count(), self._count("dead_letter")

        await self._run(move)

    async def remove(self, seq: int) -> None:
        """Drop a delivered entry."""

        def delete(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
            self.backlog = self._count()

        await self._run(delete)

    async def drop_raters(self, raters: list[str]) -> list[str]:
        """Forget the waiting and the set-aside ratings of these raters (they asked for their ratings to be
        deleted); the forgotten entries as they were kept (JSON)."""

        def delete(conn: sqlite3.Connection) -> list[str]:
            marks = ",".join("?" * len(raters))
            bodies: list[str] = []
            for table in ("outbox", "dead_letter"):  # one lock holder: nothing is added between the two
                rows = conn.execute(f"SELECT rating FROM {table} WHERE rater IN ({marks})", raters).fetchall()
                conn.execute(f"DELETE FROM {table} WHERE rater IN ({marks})", raters)
                bodies += [body for (body,) in rows]
            self.backlog, self.dead_letters = self._count(), self._count("dead_letter")
            return bodies

        return await self._run(delete) if raters else []

    async def reassign(self, rater: str, change: Callable[[Rating], Rating]) -> int:
        """Rewrite the waiting ratings of `rater` with `change`, in place (a guest's ratings becoming the account's at
        sign-in); how many. Their places in the queue are kept."""

        def rewrite(conn: sqlite3.Connection) -> int:
            rows = conn.execute("SELECT seq, rating FROM outbox WHERE rater = ?", (rater,)).fetchall()
            for seq, body in rows:
                changed = change(Rating.model_validate_json(body))
                values = (changed.rater, changed.model_dump_json(), seq)
                conn.execute("UPDATE outbox SET rater = ?, rating = ? WHERE seq = ?", values)
            return len(rows)

        return await self._run(rewrite)

    async def oldest_age_s(self) -> float:
        """Seconds the oldest entry has waited (0 when empty)."""

        def oldest(conn: sqlite3.Connection) -> float | None:
            row = conn.execute("SELECT MIN(enqueued_at) FROM outbox").fetchone()
            return None if row[0] is None else float(row[0])

        first = await self._run(oldest)
        return 0.0 if first is None else max(0.0, time.time() - first)

    async def ping(self) -> bool:
        """True when the file answers."""
        return bool(await self._run(lambda conn: conn.execute("SELECT 1").fetchone()))

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._conn.close()
