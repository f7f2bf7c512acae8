"""The stores the settings name (shared by the service's runtime and the offline `pressedplay feedback` jobs)."""

from __future__ import annotations

from services.feedback.adapters.photos import PhotoStore, open_photo_store
from services.feedback.ratings import RatingStore
from services.feedback.settings import Settings


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


def build_photo_store(settings: Settings) -> PhotoStore:
    """Where photos above the inline limit go."""
    return open_photo_store(settings.photo_store, endpoint_url=settings.s3_endpoint_url, region=settings.aws_region)
