"""Playlist service settings, read from PLAYLIST_* environment variables (and an optional .env)."""

from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from shared.secret_policy import secret_value
from shared.service_settings import ServiceSettings


class Settings(ServiceSettings):
    """Where the catalog and genre map come from, and how recommendation work is bounded."""

    model_config = SettingsConfigDict(env_prefix="PLAYLIST_")

    port: int = Field(default=8002, ge=1, le=65535)

    catalog_path: Path | None = Field(default=None, description="Catalog Parquet; None: data/catalog.parquet.")
    genre_map_path: Path | None = Field(default=None, description="Genre map JSON; None: genremappings.json.")

    workers: int = Field(default=2, ge=1, le=64, description="Threads running the (CPU-bound) recommender.")
    recommend_timeout_s: float = Field(default=10.0, gt=0, description="Longest a recommendation may take.")
    genre_map_timeout_s: float = Field(default=30.0, gt=0, description="Longest /v1/genres/map may take.")
    warm_genre_model: bool = Field(default=True, description="Load the genre text-embedding model at start-up.")
    max_body_bytes: int = Field(default=1024 * 1024, gt=0, description="JSON request body limit, streamed.")

    # --- Spotify (services/playlist/spotify/) ----------------------------------------------------------------------
    redis_url: str | None = Field(
        default=None, description="redis://host:port/db for tokens, sign-ins and genre profiles; unset = in-process."
    )
    redis_timeout_s: float = Field(default=2.0, gt=0)
    spotify_client_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("PLAYLIST_SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_ID"),
        description="The app's client id from the Spotify dashboard; unset = Spotify sign-in is off.",
    )
    spotify_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("PLAYLIST_SPOTIFY_CLIENT_SECRET", "SPOTIFY_CLIENT_SECRET"),
        description="Optional: PKCE needs no secret; when set it is sent as HTTP Basic to the token endpoint.",
    )
    spotify_redirect_uri: str = Field(
        default="http://127.0.0.1:8000/v1/auth/callback",
        validation_alias=AliasChoices("PLAYLIST_SPOTIFY_REDIRECT_URI", "SPOTIFY_REDIRECT_URI"),
        description="Registered in the Spotify dashboard; Spotify accepts loopback IPs, not `localhost`.",
    )
    spotify_accounts_url: str = "https://accounts.spotify.com"
    spotify_api_url: str = "https://api.spotify.com/v1/"
    # Well under the gateway's 10 s playlist timeout: a slow Spotify is our 504 (and the half-made playlist is
    # removed) before the gateway gives up on us and counts it toward its breaker.
    spotify_timeout_s: float = Field(default=4.0, gt=0, description="Per Spotify HTTP call.")
    spotify_max_retry_after_s: int = Field(
        default=5, ge=0, description="Longest 429 Retry-After waited out; past it 503."
    )
    token_key: SecretStr | None = Field(
        default=None,
        description="Fernet key encrypting tokens at rest; unset = a new key per start (everyone signs in again).",
    )
    token_ttl_s: int = Field(default=30 * 24 * 3600, gt=0, description="Forget a session's tokens after this long.")
    profile_ttl_s: int = Field(default=6 * 3600, gt=0, description="How long a genre profile is cached.")
    max_cover_upload_bytes: int = Field(default=12 * 1024 * 1024, gt=0, description="Photo body limit for covers.")

    @field_validator("token_key")
    @classmethod
    def _fernet_key(cls, value: SecretStr | None) -> SecretStr | None:
        key = secret_value(value)
        if key is not None:
            try:
                Fernet(key.encode("ascii"))
            except (ValueError, UnicodeEncodeError):
                raise ValueError(
                    "PLAYLIST_TOKEN_KEY must be a Fernet key (cryptography.fernet.Fernet.generate_key())"
                ) from None
        return value

    def needed_secrets(self) -> dict[str, SecretStr | None]:
        """The service token, and with Spotify sign-in on the key its tokens are encrypted with (without it every
        restart would sign everyone out)."""
        token_key = {"PLAYLIST_TOKEN_KEY": self.token_key} if self.spotify_client_id else {}
        return {**super().needed_secrets(), **token_key}
