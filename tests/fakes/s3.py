"""An in-memory S3 with the three calls `services.inference.adapters.storage.S3Client` names."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class FakeBody:
    """A streaming body like botocore's: read in chunks."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def iter_chunks(self, chunk_size: int = 1024) -> Iterator[bytes]:
        while chunk := self._data.read(chunk_size):
            yield chunk


class FakeS3:
    """Objects by (bucket, key), ETag = MD5 of the bytes as S3 has for single-part uploads; counts the GETs."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], bytes] = {}
        self.gets = 0

    def put(self, bucket: str, key: str, data: bytes) -> None:
        self.objects[(bucket, key)] = data

    def _etag(self, bucket: str, key: str) -> str:
        return f'"{hashlib.md5(self.objects[(bucket, key)]).hexdigest()}"'

    def head_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:  # noqa: N803
        from botocore.exceptions import ClientError

        if (Bucket, Key) not in self.objects:
            raise ClientError({"Error": {"Code": "404"}}, "HeadObject")
        return {"ETag": self._etag(Bucket, Key), "ContentLength": len(self.objects[(Bucket, Key)])}

    def get_object(self, *, Bucket: str, Key: str, **extra: Any) -> dict[str, Any]:  # noqa: N803
        from botocore.exceptions import ClientError

        if "IfMatch" in extra and extra["IfMatch"] != self._etag(Bucket, Key):
            raise ClientError({"Error": {"Code": "PreconditionFailed"}}, "GetObject")
        self.gets += 1
        return {"Body": FakeBody(self.objects[(Bucket, Key)])}

    def upload_file(self, Filename: str, Bucket: str, Key: str) -> None:  # noqa: N803
        self.put(Bucket, Key, Path(Filename).read_bytes())
