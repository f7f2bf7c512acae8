"""fetch_artifact / upload_artifact without a server: local paths, bad URIs, unreachable S3."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.inference.adapters.storage import (
    ArtifactNotFound,
    InvalidArtifactUri,
    StorageUnavailable,
    default_cache_dir,
    fetch_artifact,
    parse_s3_uri,
    s3_client,
    upload_artifact,
)
from tests.fakes.s3 import FakeS3
from tests.servers.process import free_port


def test_local_path_passes_through_unchanged(tmp_path: Path) -> None:
    checkpoint = tmp_path / "model.pt"
    checkpoint.write_bytes(b"weights")
    assert fetch_artifact(checkpoint) == checkpoint
    assert fetch_artifact(str(checkpoint)) == checkpoint
    assert fetch_artifact(f"file://{checkpoint}") == checkpoint


def test_missing_local_artifact_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ArtifactNotFound, match=r"no artifact at .*missing\.pt"):
        fetch_artifact(tmp_path / "missing.pt")


def test_directory_is_not_an_artifact(tmp_path: Path) -> None:
    with pytest.raises(ArtifactNotFound, match="not a file"):
        fetch_artifact(tmp_path)


@pytest.mark.parametrize("uri", ["s3://", "s3://bucket", "s3://bucket/", "s3://bucket/folder/", "s3:///key"])
def test_s3_uri_without_bucket_or_key_is_rejected(uri: str) -> None:
    with pytest.raises(InvalidArtifactUri, match="s3://bucket/key"):
        fetch_artifact(uri, cache_dir=Path("/nonexistent"))


def test_s3_uri_splits_into_bucket_and_nested_key() -> None:
    assert parse_s3_uri("s3://models/effnet/v3/model.pt") == ("models", "effnet/v3/model.pt")


def test_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PRESSEDPLAY_CACHE_DIR", str(tmp_path / "cache"))
    assert default_cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("PRESSEDPLAY_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "pressedplay"


def test_unreachable_s3_without_a_cached_copy_is_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    dead = s3_client(endpoint_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StorageUnavailable, match="unreachable"):
        fetch_artifact("s3://models/model.pt", cache_dir=tmp_path, client=dead)


def test_uploading_a_missing_file_is_refused_before_contacting_s3(tmp_path: Path) -> None:
    with pytest.raises(ArtifactNotFound, match="no file to upload"):
        upload_artifact(tmp_path / "absent.pt", "s3://models/absent.pt")


def test_an_s3_artifact_is_downloaded_once_per_etag(tmp_path: Path) -> None:
    s3 = FakeS3()
    s3.put("models", "effnet/model.pt", b"weights v1")
    first = fetch_artifact("s3://models/effnet/model.pt", cache_dir=tmp_path, client=s3)
    again = fetch_artifact("s3://models/effnet/model.pt", cache_dir=tmp_path, client=s3)
    assert first == again and first.read_bytes() == b"weights v1" and s3.gets == 1
    s3.put("models", "effnet/model.pt", b"weights v2")
    changed = fetch_artifact("s3://models/effnet/model.pt", cache_dir=tmp_path, client=s3)
    assert changed != first and changed.read_bytes() == b"weights v2" and s3.gets == 2


def test_an_uploaded_artifact_can_be_fetched_back(tmp_path: Path) -> None:
    s3 = FakeS3()
    local = tmp_path / "model.pt"
    local.write_bytes(b"weights")
    etag = upload_artifact(local, "s3://models/model.pt", client=s3)
    assert (
        etag
        and fetch_artifact("s3://models/model.pt", cache_dir=tmp_path / "cache", client=s3).read_bytes() == b"weights"
    )


def test_a_missing_s3_object_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(ArtifactNotFound, match=r"s3://models/none\.pt"):
        fetch_artifact("s3://models/none.pt", cache_dir=tmp_path, client=FakeS3())
