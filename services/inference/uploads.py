"""Read an uploaded image from the request body: a raw `image/*` (or application/octet-stream) body, or
multipart/form-data with a file field `image`. The body guard in app.py has already refused other media types and
bodies over the limit."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Final

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import ClientDisconnect

from shared.errors import InvalidInput, PayloadTooLarge
from shared.web.body_limits import MULTIPART

IMAGE_FIELD: Final = "image"
# Multipart framing (boundaries, part headers) on top of the image itself; the image alone still obeys the limit.
MULTIPART_OVERHEAD_BYTES: Final = 16 * 1024


class MissingImage(InvalidInput):
    """A multipart body without a file field named `image` (422)."""


class UploadInterrupted(InvalidInput):
    """The client went away before the body was complete (logged as a client error, not a crash)."""


async def _with_disconnect(chunks: AsyncIterator[bytes]) -> AsyncGenerator[bytes, None]:
    """Pass chunks through; a client that goes away mid-body is UploadInterrupted (a client error, not a crash)."""
    total = 0
    try:
        async for chunk in chunks:
            total += len(chunk)
            yield chunk
    except ClientDisconnect:
        raise UploadInterrupted(f"the upload stopped after {total:,} bytes (the client disconnected)") from None


async def read_image_upload(request: Request, *, max_bytes: int) -> bytes:
    """The uploaded image's bytes: the raw body, or the multipart field `image` (at most `max_bytes`; 422 for a
    bad multipart). Media type and the body's size are the body guard's (shared/web/body_limits.py, see app.py)."""
    body = _with_disconnect(request.stream())
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != MULTIPART:
        return b"".join([chunk async for chunk in body])
    data = await _image_from_multipart(request, body)
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the upload is larger than the {max_bytes:,}-byte limit")
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
