"""Feedback service settings, read from FEEDBACK_* environment variables (and an optional .env)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.paths import REPO_ROOT


class Settings(BaseSettings):
    """Where ratings are kept and how the service listens."""

    model_config = SettingsConfigDict(env_prefix="FEEDBACK_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8003, ge=1, le=65535)
    log_level: str = "INFO"
    # sqlite serves one person on a laptop; dynamodb is the shared store in deployment.
    store: Literal["sqlite", "dynamodb"] = "sqlite"
    sqlite_path: Path = REPO_ROOT / "var" / "feedback.sqlite3"
    dynamodb_table: str = Field(default="pressedplay-ratings", min_length=3, max_length=255)
    dynamodb_endpoint_url: str | None = Field(default=None, description="DynamoDB Local / dynalite URL; None = AWS")
    aws_region: str = "us-east-1"
    # Every store call is bounded: a slow database answers 503, it never hangs a request.
    store_timeout_s: float = Field(default=5.0, gt=0)
    max_body_bytes: int = Field(default=256 * 1024, gt=0, description="JSON request body limit, streamed.")
