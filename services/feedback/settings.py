"""Feedback service settings, read from FEEDBACK_* environment variables (and an optional .env)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.paths import REPO_ROOT
from shared.rating import PHOTO_MAX_BYTES
from shared.service_settings import ServiceSettings


class Settings(ServiceSettings):
    """Where ratings are kept and how the service listens."""

    model_config = SettingsConfigDict(env_prefix="FEEDBACK_")

    port: int = Field(default=8003, ge=1, le=65535)
    # sqlite serves one person on a laptop; dynamodb is the shared store in deployment.
    store: Literal["sqlite", "dynamodb"] = "sqlite"
    sqlite_path: Path = REPO_ROOT / "var" / "feedback.sqlite3"
    dynamodb_table: str = Field(default="pressedplay-ratings", min_length=3, max_length=255)
    dynamodb_endpoint_url: str | None = Field(default=None, description="DynamoDB Local / dynalite URL; None = AWS")
    aws_region: str = "us-east-1"
    # Every store call is bounded: a slow database answers 503, it never hangs a request. A rating the store does
    # not take within this time goes to the outbox (202): well under the gateway's 5 s, so the gateway never times
    # out (and answers "failed") on a rating that is then kept (issue 14, finding 4).
    store_timeout_s: float = Field(default=2.0, gt=0)
    # A rating carries its photo (<= 250 KB JPEG, ~340 KB as base64) so the JSON limit leaves room for it.
    max_body_bytes: int = Field(default=1024 * 1024, gt=0, description="JSON request body limit, streamed.")
    # Ratings accepted while the store is unreachable wait here (SQLite, WAL) and are delivered in order.
    outbox_path: Path = REPO_ROOT / "var" / "feedback-outbox.sqlite3"
    outbox_retry_s: float = Field(default=1.0, gt=0, description="How often delivery is retried while waiting.")
    # Photos up to this size sit in the rating; larger ones go to the photo store with a reference.
    photo_inline_max_bytes: int = Field(default=PHOTO_MAX_BYTES, ge=0)
    photo_store: str = Field(default=str(REPO_ROOT / "var" / "feedback-photos"), description="A folder or s3://")
    s3_endpoint_url: str | None = None
    admin_token: SecretStr | None = Field(default=None, description="Bearer token for /v1/admin/*.")
    export_page_size: int = Field(default=500, ge=1, le=10_000)

    def needed_secrets(self) -> dict[str, SecretStr | None]:
        """The service token and the admin token (the ratings export)."""
        return {**super().needed_secrets(), "FEEDBACK_ADMIN_TOKEN": self.admin_token}
