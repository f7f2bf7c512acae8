"""Checkpoints round-trip through a real S3 API (`rclone serve s3`): upload, fetch, ETag cache, failures."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from services.inference.adapters.storage import (
    ArtifactNotFound,
    StorageError,
    fetch_artifact,
    s3_client,
    upload_artifact,
)
from tests.servers.process import free_port
from tests.servers.rclone_s3 import S3Server, rclone_s3_fixture, s3_env_fixture  # noqa: F401  (fixtures)

pytestmark = pytest.mark.integration


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_uploaded_checkpoint_is_fetched_byte_for_byte(s3_env: S3Server, tmp_path: Path) -> None:
    bucket = s3_env.make_bucket("models-roundtrip")
    source = write(tmp_path / "model.pt", bytes(range(256)) * 4096)
    etag = upload_artifact(source, f"s3://{bucket}/effnet/v1/model.pt")
    fetched = fetch_artifact(f"s3://{bucket}/effnet/v1/model.pt", cache_dir=tmp_path / "cache")
    assert etag
    assert fetched.name == "model.pt" and fetched.is_relative_to(tmp_path / "cache")
    assert fetched.read_bytes() == source.read_bytes()


def test_second_fetch_is_served_from_the_etag_cache(
    s3_env: S3Server, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bucket = s3_env.make_bucket("models-cache")
    upload_artifact(write(tmp_path / "a.pt", b"first"), f"s3://{bucket}/m.pt")
    first = fetch_artifact(f"s3://{bucket}/m.pt", cache_dir=tmp_path / "cache")
    with caplog.at_level(logging.INFO, logger="pressedplay.storage"):
        second = fetch_artifact(f"s3://{bucket}/m.pt", cache_dir=tmp_path / "cache")
    assert second == first
    assert [r.getMessage() for r in caplog.records] == ["artifact.cache_hit"]


def test_replaced_object_is_downloaded_again_under_its_new_etag(s3_env: S3Server, tmp_path: Path) -> None:
    bucket = s3_env.make_bucket("models-replace")
    upload_artifact(write(tmp_path / "a.pt", b"version one"), f"s3://{bucket}/m.pt")
    old = fetch_artifact(f"s3://{bucket}/m.pt", cache_dir=tmp_path / "cache")
    upload_artifact(write(tmp_path / "b.pt", b"version two, longer"), f"s3://{bucket}/m.pt")
    new = fetch_artifact(f"s3://{bucket}/m.pt", cache_dir=tmp_path / "cache")
    assert new != old and new.read_bytes() == b"version two, longer"


def test_missing_object_and_missing_bucket_are_not_found(s3_env: S3Server, tmp_path: Path) -> None:
    bucket = s3_env.make_bucket("models-empty")
    with pytest.raises(ArtifactNotFound, match=f"s3://{bucket}/nothing.pt"):
        fetch_artifact(f"s3://{bucket}/nothing.pt", cache_dir=tmp_path)
    with pytest.raises(ArtifactNotFound):
        fetch_artifact("s3://no-such-bucket/model.pt", cache_dir=tmp_path)


def test_wrong_credentials_are_reported_as_denied(
    s3_env: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = s3_env.make_bucket("models-private")
    upload_artifact(write(tmp_path / "a.pt", b"secret weights"), f"s3://{bucket}/m.pt")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret")
    with pytest.raises(StorageError, match=r"denied|failed"):
        fetch_artifact(f"s3://{bucket}/m.pt", cache_dir=tmp_path / "cache")


def test_cached_copy_is_used_when_s3_becomes_unreachable(s3_env: S3Server, tmp_path: Path) -> None:
    bucket = s3_env.make_bucket("models-offline")
    upload_artifact(write(tmp_path / "a.pt", b"weights"), f"s3://{bucket}/m.pt")
    cached = fetch_artifact(f"s3://{bucket}/m.pt", cache_dir=tmp_path / "cache")
    dead = s3_client(endpoint_url=f"http://127.0.0.1:{free_port()}")
    assert fetch_artifact(f"s3://{bucket}/m.pt", cache_dir=tmp_path / "cache", client=dead) == cached
