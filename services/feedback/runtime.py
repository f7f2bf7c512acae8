"""The feedback service's running parts: the rating store the settings name, opened and closed by the lifespan."""

from __future__ import annotations

from collections.abc import Mapping

from services.feedback.ratings import RatingStore
from services.feedback.settings import Settings
from shared.errors import NotReady
from shared.health import ReadinessCheck, not_ready


def build_store(settings: Settings) -> RatingStore:
    """The rating store the settings name: SQLite (default) or DynamoDB."""
    if settings.store == "dynamodb":
        from services.feedback.adapters.dynamodb_store import DynamoRatingStore

        return DynamoRatingStore(
            table=settings.dynamodb_table,
            region=settings.aws_region,
            endpoint_url=settings.dynamodb_endpoint_url,
            timeout_s=settings.store_timeout_s,
        )
    from services.feedback.adapters.sqlite_store import SqliteRatingStore

    return SqliteRatingStore(settings.sqlite_path, timeout_s=settings.store_timeout_s)


class FeedbackRuntime:
    """The rating store; `store` overrides the one the settings name (tests pass a fake or a real server's)."""

    def __init__(self, settings: Settings, *, store: RatingStore | None = None) -> None:
        self.settings = settings
        self._given = store
        self._store: RatingStore | None = None

    async def start(self) -> None:
        """Open the store."""
        self._store = self._given or build_store(self.settings)

    async def stop(self) -> None:
        """Close the store."""
        if self._store is not None:
            await self._store.close()

    def checks(self) -> Mapping[str, ReadinessCheck]:
        """The store answers."""
        return {"store": self._store.ping if self._store is not None else not_ready}

    @property
    def store(self) -> RatingStore:
        """The open store (NotReady before the lifespan has started it)."""
        if self._store is None:
            raise NotReady("the rating store is not open yet", retry_after=2)
        return self._store
