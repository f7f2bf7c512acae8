"""Where rating photos too large to sit in the rating itself go: a folder or an s3:// prefix. The rating keeps a
reference (`photo_ref`, the object's key)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlparse

from services.feedback.ratings import PutResult, Rating
from shared.errors import StoreUnavailable
from shared.s3 import S3ClientSettings, s3_client

T = TypeVar("T")


class PhotoStore(Protocol):
    """Put, get and delete photo objects by key."""

    async def put(self, key: str, data: bytes) -> str:
        """Store; returns the reference to keep."""
        ...

    async def get(self, ref: str) -> bytes | None:
        """The object, or None when it is gone."""
        ...

    async def delete(self, ref: str) -> None:
        """Remove (no error when it is already gone)."""
        ...


class FolderPhotoStore:
    """Photos as files under one folder; a failing disk (full, unmounted) is StoreUnavailable like any store outage,
    so a rating waiting on it stays in the outbox and is retried."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, ref: str) -> Path:
        path = (self.root / ref).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"photo reference {ref!r} leaves the photo folder")
        return path

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".tmp")
        temp.write_bytes(data)
        temp.replace(path)

    async def _on_disk(self, fn: Callable[[], T]) -> T:
        try:
            return await asyncio.to_thread(fn)
        except OSError as exc:
            raise StoreUnavailable(f"the photo folder failed: {exc}", retry_after=2) from exc

    async def put(self, key: str, data: bytes) -> str:
        path = self._path(key)
        await self._on_disk(lambda: self._write(path, data))
        return key

    async def get(self, ref: str) -> bytes | None:
        path = self._path(ref)
        return await self._on_disk(lambda: path.read_bytes() if path.exists() else None)

    async def delete(self, ref: str) -> None:
        path = self._path(ref)
        await self._on_disk(lambda: path.unlink(missing_ok=True))


class S3PhotoStore:
    """Photos as objects under an s3://bucket/prefix (boto3 in a worker thread)."""

    def __init__(self, uri: str, *, endpoint_url: str | None = None, region: str = "us-east-1") -> None:
        parsed = urlparse(uri)
        self.bucket = parsed.netloc
        self.prefix = parsed.path.strip("/")
        # The one factory (shared/s3.py): timeouts and retries, so a stalled S3 cannot hold a rating's request.
        self._client: Any = s3_client(S3ClientSettings.overriding(endpoint_url=endpoint_url, region=region))

    def _key(self, ref: str) -> str:
        return f"{self.prefix}/{ref}" if self.prefix else ref

    async def _call(self, fn: Any, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return await asyncio.to_thread(fn, Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                return None
            raise StoreUnavailable(f"the photo store failed: {exc}", retry_after=2) from exc
        except BotoCoreError as exc:
            raise StoreUnavailable(f"the photo store failed: {exc}", retry_after=2) from exc

    async def put(self, key: str, data: bytes) -> str:
        await self._call(self._client.put_object, Key=self._key(key), Body=data, ContentType="image/jpeg")
        return key

    async def get(self, ref: str) -> bytes | None:
        answer = await self._call(self._client.get_object, Key=self._key(ref))
        return None if answer is None else await asyncio.to_thread(answer["Body"].read)

    async def delete(self, ref: str) -> None:
        await self._call(self._client.delete_object, Key=self._key(ref))


def open_photo_store(location: str, *, endpoint_url: str | None = None, region: str = "us-east-1") -> PhotoStore:
    """A folder path or an s3:// URI."""
    if location.startswith("s3://"):
        return S3PhotoStore(location, endpoint_url=endpoint_url, region=region)
    return FolderPhotoStore(Path(location))


async def with_photo(rating: Rating, photos: PhotoStore) -> Rating:
    """The rating with its photo bytes, fetched from the photo store when it keeps a reference."""
    if rating.photo is None and rating.photo_ref is not None:
        return rating.model_copy(update={"photo": await photos.get(rating.photo_ref)})
    return rating


async def drop_unreferenced_photo(photos: PhotoStore, *, written: str | None, put: PutResult) -> None:
    """After a conditional write of a rating pointing to photo `written`, delete the photo no rating points to any
    more: the replaced rating's, or, when nothing changed, `written` itself, unless the stored rating points to that
    very object (a re-sent rating writes its photo under the same key)."""
    if put.outcome == "replaced" and put.stored_photo_ref not in (None, written):
        await photos.delete(put.stored_photo_ref)
    elif put.outcome == "unchanged" and written is not None and written != put.stored_photo_ref:
        await photos.delete(written)
