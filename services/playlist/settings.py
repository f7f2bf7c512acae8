"""Playlist service settings, read from PLAYLIST_* environment variables (and an optional .env)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the catalog and genre map come from, and how recommendation work is bounded."""

    model_config = SettingsConfigDict(env_prefix="PLAYLIST_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8002, ge=1, le=65535)
    log_level: str = "INFO"

    catalog_path: Path | None = Field(default=None, description="Catalog Parquet; None: data/catalog.parquet.")
    genre_map_path: Path | None = Field(default=None, description="Genre map JSON; None: genremappings.json.")

    workers: int = Field(default=2, ge=1, le=64, description="Threads running the (CPU-bound) recommender.")
    recommend_timeout_s: float = Field(default=10.0, gt=0, description="Longest a recommendation may take.")
    genre_map_timeout_s: float = Field(default=30.0, gt=0, description="Longest /v1/genres/map may take.")
    warm_genre_model: bool = Field(default=True, description="Load the genre text-embedding model at start-up.")
    max_body_bytes: int = Field(default=1024 * 1024, gt=0, description="JSON request body limit, streamed.")
