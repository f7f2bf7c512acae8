"""Model artifacts from a local path or `s3://bucket/key`, downloads cached by ETag; and uploads to S3.

The S3 client comes from the one factory, shared/s3.py (its timeouts, retries and addressing style from
PRESSEDPLAY_S3_*; the endpoint and credentials from boto3's usual environment), so the same code reaches AWS, MinIO
or the `rclone serve s3` the tests start.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Final, Protocol
from urllib.parse import urlparse

from shared.errors import InvalidInput, NotFound, UpstreamError, UpstreamUnavailable
from shared.s3 import S3ClientSettings
from shared.s3 import s3_client as new_s3_client

log = logging.getLogger("pressedplay.storage")

_NOT_FOUND_CODES: Final = frozenset({"404", "NoSuchKey", "NoSuchBucket", "NotFound"})


class S3Client(Protocol):
    """The three S3 calls artifacts need; boto3's client is one (`s3_client()`), tests pass an in-memory fake."""

    def head_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803 (boto3's argument names)
        """The object's metadata: ETag, ContentLength."""
        ...

    def get_object(self, *, Bucket: str, Key: str, **extra: Any) -> dict[str, Any]:  # noqa: N803
        """The object, its bytes in a streaming `Body` (with `iter_chunks`); `IfMatch` in extra."""
        ...

    def upload_file(self, Filename: str, Bucket: str, Key: str) -> None:  # noqa: N803
        """Upload a local file (multipart when large)."""
        ...


class ArtifactNotFound(NotFound):
    """The local file or the S3 object does not exist (404)."""


class InvalidArtifactUri(InvalidInput):
    """The URI is neither a local path nor a well-formed s3://bucket/key (422)."""


class StorageError(UpstreamError):
    """S3 refused or failed the request: credentials, permissions, a server error (502)."""


class StorageUnavailable(UpstreamUnavailable):
    """S3 could not be reached in time and no cached copy exists (503)."""


def is_s3_uri(uri: str | Path) -> bool:
    """Whether the URI names an S3 object rather than a local file."""
    return isinstance(uri, str) and uri.startswith("s3://")


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """Split s3://bucket/key into (bucket, key); raise InvalidArtifactUri when either part is missing."""
    parsed = urlparse(uri)
    bucket, key = parsed.netloc, parsed.path.lstrip("/")
    if parsed.scheme != "s3" or not bucket or not key or key.endswith("/"):
        raise InvalidArtifactUri(f"expected s3://bucket/key naming one object, got {uri!r}")
    return bucket, key


def default_cache_dir() -> Path:
    """$PRESSEDPLAY_CACHE_DIR, else $XDG_CACHE_HOME/pressedplay, else ~/.cache/pressedplay."""
    override = os.environ.get("PRESSEDPLAY_CACHE_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "pressedplay"


def s3_client(*, endpoint_url: str | None = None) -> S3Client:
    """A boto3 S3 client from the one factory (shared/s3.py: timeouts, retries, path-style for a custom endpoint)."""
    client: S3Client = new_s3_client(S3ClientSettings.overriding(endpoint_url=endpoint_url))
    return client


def fetch_artifact(uri: str | Path, *, cache_dir: Path | None = None, client: S3Client | None = None) -> Path:
    """A local path to the artifact: local paths pass through (checked), s3:// objects are downloaded once per ETag."""
    if not is_s3_uri(uri):
        path = Path(str(uri).removeprefix("file://")).expanduser()
        if not path.is_file():
            raise ArtifactNotFound(f"no artifact at {path}" + ("" if not path.exists() else " (it is not a file)"))
        return path
    bucket, key = parse_s3_uri(str(uri))
    folder = (cache_dir or default_cache_dir()) / "s3" / hashlib.sha256(f"{bucket}/{key}".encode()).hexdigest()[:24]
    name = Path(key).name or "artifact"
    s3 = client or s3_client()
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except Exception as exc:
        error = _storage_error(exc, uri=str(uri))
        stale = _newest_cached(folder, name)
        if isinstance(error, StorageUnavailable) and stale is not None:
            log.warning("artifact.stale_cache", extra={"uri": str(uri), "path": str(stale), "reason": str(error)})
            return stale
        raise error from exc
    etag = str(head.get("ETag", "")).strip('"') or "no-etag"
    target = folder / _safe_component(etag) / name
    if target.is_file() and target.stat().st_size == head.get("ContentLength", target.stat().st_size):
        log.info("artifact.cache_hit", extra={"uri": str(uri), "etag": etag})
        return target
    _download(s3, bucket=bucket, key=key, etag=etag, target=target, expected_size=head.get("ContentLength"))
    log.info("artifact.downloaded", extra={"uri": str(uri), "etag": etag, "bytes": target.stat().st_size})
    return target


def upload_artifact(path: Path, uri: str, *, client: S3Client | None = None) -> str:
    """Upload a local file to s3://bucket/key (multipart when large); returns the object's ETag."""
    if not path.is_file():
        raise ArtifactNotFound(f"no file to upload at {path}")
    bucket, key = parse_s3_uri(uri)
    s3 = client or s3_client()
    try:
        s3.upload_file(str(path), bucket, key)
        etag = str(s3.head_object(Bucket=bucket, Key=key).get("ETag", "")).strip('"')
    except Exception as exc:
        raise _storage_error(exc, uri=uri) from exc
    log.info("artifact.uploaded", extra={"uri": uri, "etag": etag, "bytes": path.stat().st_size})
    return etag


def ensure_bucket(uri: str) -> None:
    """Create the bucket an s3:// URI names unless it exists (a fresh MinIO or `rclone serve s3` has none)."""
    bucket, _ = parse_s3_uri(uri)
    client: Any = s3_client()
    try:
        client.head_bucket(Bucket=bucket)
        return
    except Exception as exc:
        error = _storage_error(exc, uri=f"s3://{bucket}")
        if not isinstance(error, ArtifactNotFound):
            raise error from exc
    try:
        client.create_bucket(Bucket=bucket)
    except Exception as exc:
        raise _storage_error(exc, uri=f"s3://{bucket}") from exc
    log.info("artifact.bucket_created", extra={"bucket": bucket})


def _download(s3: S3Client, *, bucket: str, key: str, etag: str, target: Path, expected_size: int | None) -> None:
    """Download beside the target and rename, so a crash never leaves a half file where a cache hit would find it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    os.close(handle)
    try:
        try:
            # IfMatch: if the object changed since the HEAD, fail instead of caching new bytes under the old ETag.
            extra = {"IfMatch": f'"{etag}"'} if etag != "no-etag" else {}
            body = s3.get_object(Bucket=bucket, Key=key, **extra)["Body"]
            with open(partial, "wb") as out:
                for chunk in body.iter_chunks(chunk_size=1 << 20):
                    out.write(chunk)
        except Exception as exc:
            raise _storage_error(exc, uri=f"s3://{bucket}/{key}") from exc
        size = Path(partial).stat().st_size
        if expected_size is not None and size != expected_size:
            raise StorageError(f"s3://{bucket}/{key}: downloaded {size} bytes, expected {expected_size}")
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)


def _newest_cached(folder: Path, name: str) -> Path | None:
    candidates = [p for p in folder.glob(f"*/{name}") if p.is_file()]
    return max(candidates, key=lambda p: p.stat().st_mtime) if candidates else None


def _safe_component(value: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in value).strip(".")
    return cleaned[:128] or "no-etag"


def _storage_error(exc: Exception, *, uri: str) -> Exception:
    """Map boto3/botocore failures onto the service error tree with a message naming the URI."""
    from boto3.exceptions import S3UploadFailedError
    from botocore.exceptions import (
        ClientError,
        ConnectTimeoutError,
        NoCredentialsError,
        ReadTimeoutError,
    )
    from botocore.exceptions import (
        ConnectionError as BotoConnectionError,
    )

    if isinstance(exc, S3UploadFailedError) and isinstance(exc.__context__, ClientError):
        exc = exc.__context__
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in _NOT_FOUND_CODES:
            return ArtifactNotFound(f"no artifact at {uri} ({code})")
        if code in ("412", "PreconditionFailed"):
            return StorageError(f"{uri} changed while it was being downloaded; try again")
        if code in ("403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
            return StorageError(f"access to {uri} was denied ({code}); check the AWS credentials")
        return StorageError(f"S3 failed for {uri}: {code or exc}")
    if isinstance(exc, NoCredentialsError):
        return StorageError(f"no AWS credentials to read {uri}; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    if isinstance(exc, ConnectTimeoutError | ReadTimeoutError | BotoConnectionError):
        return StorageUnavailable(f"S3 is unreachable for {uri}: {exc}", retry_after=5)
    if isinstance(exc, ArtifactNotFound | StorageError):
        return exc
    return StorageError(f"S3 failed for {uri}: {type(exc).__name__}: {exc}")
