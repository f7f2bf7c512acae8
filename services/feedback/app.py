"""create_app() for the feedback service: ratings in, stored behind a RatingStore."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.feedback.api import router
from services.feedback.ratings import RatingStore
from services.feedback.settings import Settings
from shared.health import ReadinessCheck, mount_health
from shared.service import install_common


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


def create_app(settings: Settings | None = None, *, store: RatingStore | None = None) -> FastAPI:
    """The feedback app; `store` overrides the one the settings name (tests pass a fake or a real server's)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = store or build_store(settings)
        try:
            yield
        finally:
            await app.state.store.close()

    app = FastAPI(
        title="PRESSED / PLAY feedback",
        version="1.0.0",
        summary="Likes and dislikes of playlists, kept for retraining.",
        lifespan=lifespan,
    )
    install_common(app, "feedback")

    def checks() -> Mapping[str, ReadinessCheck]:
        current: RatingStore | None = getattr(app.state, "store", None)
        return {"store": current.ping} if current is not None else {"store": _never_ready}

    mount_health(app, checks, timeout_s=settings.store_timeout_s)
    app.include_router(router)
    return app


async def _never_ready() -> bool:
    return False
