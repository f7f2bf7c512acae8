"""Read an uploaded image from the request body, counting bytes as they stream so an oversized body is refused early.

Accepted: a raw `image/*` (or application/octet-stream) body, or multipart/form-data with a file field `image`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Final

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect

from shared.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType

IMAGE_FIELD: Final = "image"
# Multipart framing (boundaries, part headers) on top of the image itself; the image alone still obeys the limit.
MULTIPART_OVERHEAD_BYTES: Final = 16 * 1024


class MissingImage(InvalidInput):
    """A multipart body without a file field named `image` (422)."""


class UploadInterrupted(InvalidInput):
    """The client went away before the body was complete (logged as a client error, not a crash)."""


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the upload is larger than the {limit:,}-byte limit")


async def _counted(chunks: AsyncIterator[bytes], *, limit: int, reported_limit: int) -> AsyncGenerator[bytes, None]:
    """Pass chunks through, raising PayloadTooLarge the moment the running total passes `limit`."""
    total = 0
    try:
        async for chunk in chunks:
            total += len(chunk)
            if total > limit:
                raise _too_large(reported_limit)
            yield chunk
    except ClientDisconnect:
        raise UploadInterrupted(f"the upload stopped after {total:,} bytes (the client disconnected)") from None


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_image_upload(request: Request, *, max_bytes: int) -> bytes:
    """The uploaded image's bytes; 415 for other content types, 413 past `max_bytes`, 422 for a bad multipart."""
    media = _media_type(request)
    multipart = media == "multipart/form-data"
    if not (multipart or media.startswith("image/") or media == "application/octet-stream"):
        raise UnsupportedMediaType(
            f"send the photo as the raw body with an image/* Content-Type, or as multipart/form-data with a file "
            f"field '{IMAGE_FIELD}'; got {media or 'no Content-Type'}"
        )
    limit = max_bytes + (MULTIPART_OVERHEAD_BYTES if multipart else 0)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(max_bytes)  # refused from the header, before a byte of the body is read
    body = _counted(request.stream(), limit=limit, reported_limit=max_bytes)
    if not multipart:
        return b"".join([chunk async for chunk in body])
    data = await _image_from_multipart(request, body)
    if len(data) > max_bytes:
        raise _too_large(max_bytes)
    return data


async def _image_from_multipart(request: Request, body: AsyncGenerator[bytes, None]) -> bytes:
    parser = MultiPartParser(request.headers, body, max_files=1, max_fields=16, max_part_size=64 * 1024)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise InvalidInput(f"the multipart body is malformed: {exc.message}") from exc
    try:
        field = form.get(IMAGE_FIELD)
        if not isinstance(field, UploadFile):
            what = "is not a file" if field is not None else "is missing"
            raise MissingImage(f"the multipart field '{IMAGE_FIELD}' {what}; attach the photo as a file under it")
        return await field.read()
    finally:
        await form.close()
