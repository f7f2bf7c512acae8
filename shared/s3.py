"""The one S3 client factory: every S3 user (inference's model artifacts, the pipeline's model store, feedback's
photos) gets its boto3 client here, with connect/read timeouts, bounded retries and the addressing style a
self-hosted endpoint needs, from S3ClientSettings (env PRESSEDPLAY_S3_*; the endpoint and region may come from the
service's own settings instead).

The endpoint and credentials otherwise come from boto3's usual environment (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL,
AWS_ACCESS_KEY_ID, ...), so the same code reaches AWS, MinIO or the `rclone serve s3` the tests start.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class S3ClientSettings(BaseSettings):
    """How an S3 client connects: where, how long it waits, how often it retries, how it names buckets."""

    model_config = SettingsConfigDict(env_prefix="PRESSEDPLAY_S3_", extra="ignore")

    endpoint_url: str | None = Field(
        default=None,
        description="A self-hosted S3 (MinIO, rclone); None: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS.",
    )
    region: str | None = Field(default=None, description="None: boto3's (AWS_DEFAULT_REGION, the config file).")
    connect_timeout_s: float = Field(default=5.0, gt=0)
    read_timeout_s: float = Field(default=60.0, gt=0, description="Per read: a model download streams for longer.")
    retries: int = Field(default=3, ge=0, le=10, description="Retries after a call's first try (standard mode).")
    # auto: path-style with a custom endpoint (self-hosted servers rarely have wildcard DNS for virtual-hosted
    # buckets), botocore's default against AWS.
    addressing_style: Literal["auto", "path", "virtual"] = "auto"

    @classmethod
    def overriding(cls, *, endpoint_url: str | None = None, region: str | None = None) -> S3ClientSettings:
        """These settings from the environment, with a service's own endpoint and region where it sets them."""
        settings = cls()
        given = {"endpoint_url": endpoint_url, "region": region}
        return settings.model_copy(update={name: value for name, value in given.items() if value is not None})

    def endpoint(self) -> str | None:
        """The endpoint to use: the setting, else boto3's environment variables for one."""
        return self.endpoint_url or os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")

    def boto_config(self) -> Any:
        """The botocore Config for these settings."""
        from botocore.config import Config

        style: str | None = self.addressing_style
        if style == "auto":  # botocore's own choice against AWS (virtual-hosted where the bucket name allows)
            style = "path" if self.endpoint() else None
        return Config(
            connect_timeout=self.connect_timeout_s,
            read_timeout=self.read_timeout_s,
            retries={"max_attempts": self.retries, "mode": "standard"},
            s3={"addressing_style": style} if style else None,
        )


def s3_client(settings: S3ClientSettings | None = None) -> Any:
    """A boto3 S3 client with the settings' timeouts, retries and addressing style."""
    import boto3

    settings = settings or S3ClientSettings()
    # A fresh session per client: boto3's default session caches the credentials it first resolved, so rotated
    # keys (or a test's environment) would be ignored for the life of the process.
    session = boto3.session.Session()
    return session.client(
        "s3", endpoint_url=settings.endpoint(), region_name=settings.region, config=settings.boto_config()
    )
