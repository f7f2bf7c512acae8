"""Gateway settings, read from GATEWAY_* environment variables (and an optional .env)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from services.gateway.album_photos import AlbumLimits
from services.gateway.forwarded import Network, parse_networks
from services.gateway.ops_endpoints import Access, OpsAccess
from shared.http import ServiceClientSettings
from shared.recommendation import MAX_ALBUM_PHOTOS
from shared.service_settings import ServiceSettings


class Settings(ServiceSettings):
    """Upstreams, limits, sessions and cookies of the public gateway (it sends the service token upstream)."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_")

    port: int = Field(default=8000, ge=1, le=65535)

    inference_url: str = "http://127.0.0.1:8001"
    playlist_url: str = "http://127.0.0.1:8002"
    feedback_url: str = "http://127.0.0.1:8003"
    connect_timeout_s: float = Field(default=2.0, gt=0)
    # Inference on CPU takes a second or two per photo; the other two answer in milliseconds.
    inference_timeout_s: float = Field(default=30.0, gt=0)
    playlist_timeout_s: float = Field(default=10.0, gt=0)
    feedback_timeout_s: float = Field(default=5.0, gt=0)
    # After this many consecutive connect failures or timeouts of one upstream, refuse its calls at once (503 +
    # Retry-After) for breaker_open_s, then let one probe through (shared/circuit_breaker.py).
    breaker_failures: int = Field(default=3, ge=1)
    breaker_open_s: float = Field(default=10.0, gt=0)
    # From the start until every upstream has once said ready (warmup.py), an upload waits up to this long for it
    # rather than failing; past it, a 503 that says what is still starting.
    warmup_wait_s: float = Field(default=20.0, ge=0)

    max_upload_bytes: int = Field(
        default=40 * 1024 * 1024, gt=0, description="Whole multipart request limit (an album's photos together)."
    )
    # One photo, alone or in an album (inference's own limit, INFERENCE_MAX_UPLOAD_BYTES, is the same by default).
    max_photo_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    # Every other body (a rating, a genre list) is a few hundred bytes of JSON: refused with 413 past this.
    max_json_bytes: int = Field(default=64 * 1024, gt=0)
    # An album: at most this many photos (422 beyond), and this many pixels in all, read from the photos' headers
    # before any decoding (413 beyond): what inference would otherwise decode for one request.
    album_max_photos: int = Field(default=MAX_ALBUM_PHOTOS, ge=1, le=MAX_ALBUM_PHOTOS)
    album_max_pixels: int = Field(default=400_000_000, gt=0)
    # A trickled body is cut off with 408; a head over max_head_bytes is 414 / 431; SIGTERM drains for shutdown_drain_s.
    body_idle_timeout_s: float = Field(default=10.0, gt=0)
    body_total_timeout_s: float = Field(default=60.0, gt=0)
    max_head_bytes: int = Field(default=64 * 1024, ge=1024)
    shutdown_drain_s: float = Field(default=10.0, gt=0)

    redis_url: str | None = Field(default=None, description="redis://host:port/db; unset = in-process sessions")
    redis_timeout_s: float = Field(default=2.0, gt=0)
    session_ttl_s: int = Field(default=7 * 24 * 3600, gt=0)
    playlist_ttl_s: int = Field(default=24 * 3600, gt=0)
    max_in_process_playlists: int = Field(default=10_000, gt=0)

    # Per-client token buckets (rate_limit.py, in Redis when redis_url is set): `burst` at once, then `per_minute`.
    # A person uploads a photo every few seconds at most; a script hammering sign-in or ratings is refused.
    rate_limit_enabled: bool = True
    rate_uploads_burst: int = Field(default=10, ge=1)
    rate_uploads_per_minute: float = Field(default=20.0, gt=0)
    rate_signin_burst: int = Field(default=10, ge=1)
    rate_signin_per_minute: float = Field(default=10.0, gt=0)
    rate_ratings_burst: int = Field(default=30, ge=1)
    rate_ratings_per_minute: float = Field(default=60.0, gt=0)
    # Addresses or CIDR networks of the proxies in front of the gateway (comma-separated): only a request from one
    # of them is attributed to its X-Forwarded-For client (forwarded.py). Empty: the peer is the client.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # /metrics and /docs + /redoc + /openapi.json (ops_endpoints.py): open, token (Bearer ops_token) or off. Unset:
    # open in development; in production token when ops_token is set, else off.
    metrics_access: Access | None = None
    docs_access: Access | None = None
    ops_token: SecretStr | None = None

    # Origins of front ends on other hosts that may call the API with the session (cors.py), comma-separated, e.g.
    # "https://app.example.com,http://127.0.0.1:5173". Empty (the default): no other origin may.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    cookie_name: str = Field(default="pp_session", pattern=r"^[A-Za-z0-9_-]+$")
    cookie_secure: bool = Field(default=False, description="Set true behind HTTPS so the cookie never goes clear")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [entry for entry in value.split(",") if entry.strip()]
        parse_networks(value)  # a typo is a settings error at start, not a proxy silently untrusted
        return [entry.strip() for entry in value]

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [entry.strip() for entry in value.split(",") if entry.strip()]
        for origin in value:  # a typo is a settings error at start, not an origin silently refused
            if origin == "*" or not re.fullmatch(
                r"https?://[A-Za-z0-9.-]+(:\d{1,5})?|https?://\[[0-9a-fA-F:]+\](:\d{1,5})?", origin
            ):
                raise ValueError(f"GATEWAY_CORS_ORIGINS: {origin!r} is not an origin like https://app.example.com")
        return value

    def trusted_networks(self) -> tuple[Network, ...]:
        """GATEWAY_TRUSTED_PROXIES as networks."""
        return parse_networks(self.trusted_proxies)

    @model_validator(mode="after")
    def _token_for_token_access(self) -> Settings:
        if "token" in (self.metrics_access, self.docs_access) and not self._ops_token():
            raise ValueError("GATEWAY_METRICS_ACCESS / GATEWAY_DOCS_ACCESS=token needs GATEWAY_OPS_TOKEN")
        return self

    def _ops_token(self) -> str | None:
        return self.ops_token.get_secret_value() if self.ops_token is not None else None

    def ops_access(self) -> OpsAccess:
        """Who may read /metrics and the API docs."""
        default: Access = "open" if self.environment == "development" else ("token" if self._ops_token() else "off")
        return OpsAccess(
            metrics=self.metrics_access or default, docs=self.docs_access or default, token=self._ops_token() or None
        )

    def album_limits(self) -> AlbumLimits:
        """What one album may hold."""
        return AlbumLimits(
            max_photos=self.album_max_photos,
            max_photo_bytes=self.max_photo_bytes,
            max_bytes=self.max_upload_bytes,
            max_pixels=self.album_max_pixels,
        )

    def upstream(self, name: str) -> ServiceClientSettings:
        """Client settings of one upstream: inference, playlist or feedback."""
        timeouts = {
            "inference": self.inference_timeout_s,
            "playlist": self.playlist_timeout_s,
            "feedback": self.feedback_timeout_s,
        }
        url = {"inference": self.inference_url, "playlist": self.playlist_url, "feedback": self.feedback_url}[name]
        return ServiceClientSettings(
            base_url=url,
            connect_timeout_s=self.connect_timeout_s,
            timeout_s=timeouts[name],
            breaker_failures=self.breaker_failures,
            breaker_open_s=self.breaker_open_s,
            token=self.service_token,
        )
