"""Uploaded photos (`Photo`), and an album's before any pixel is decoded: how many, how large, which can be read,
and in which order.

Every check here reads sizes and image headers only (PIL opens lazily), so 30 photos are judged in milliseconds and
a hostile album costs no decoding. A photo that cannot be used does not fail the album: it is left out and the
warnings name it (by its place and file name) and say why. Limits that concern the whole album fail it: more photos
than allowed (422 TooManyPhotos), more bytes or more pixels in all than allowed (413 PayloadTooLarge), and no
photo that can be read (422 NoReadablePhoto, naming each and why).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from PIL import Image, UnidentifiedImageError

from shared.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from shared.image_limits import ALLOWED_FORMATS, MAX_PIXELS

AlbumOrder = Literal["given", "taken"]
# EXIF: the Exif sub-IFD, and in it the time the shutter fired (the camera's local time, no zone).
EXIF_IFD: Final = 0x8769
DATE_TIME_ORIGINAL: Final = 0x9003
EXIF_TIME_FORMAT: Final = "%Y:%m:%d %H:%M:%S"
# An RFC 6838 subtype name under image/ (letters, digits and ! # $ & - ^ _ . +), nothing else; or "image/*",
# which tools reading our OpenAPI document (its `image` part's encoding) send as it is written there.
_IMAGE_TYPE: Final = re.compile(r"image/(\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})")


class TooManyPhotos(InvalidInput):
    """More photos than an album may hold (422)."""


class NoReadablePhoto(InvalidInput):
    """None of the album's photos can be read (422)."""


@dataclass(frozen=True)
class AlbumLimits:
    """What one album may hold (GATEWAY_ALBUM_* settings)."""

    max_photos: int
    max_photo_bytes: int
    max_bytes: int
    max_pixels: int


@dataclass(frozen=True)
class Photo:
    """An uploaded photo as sent: its bytes, the media type its part declared and its file name."""

    data: bytes
    content_type: str | None
    filename: str | None = None

    def media_type(self) -> str:
        """The declared type, lower-cased and without parameters; UnsupportedMediaType (415) unless it is a
        well-formed image/* type. It is sent on to inference as a header, so a control character or a stray
        parameter must stop here, not fail the upstream call (which would count against its circuit breaker)."""
        media = (self.content_type or "").split(";")[0].strip().lower()
        if not _IMAGE_TYPE.fullmatch(media):
            shown = repr(media[:40]) if media else "untyped"
            raise UnsupportedMediaType(f"the `image` part must be an image/* type, not {shown}")
        return media


@dataclass(frozen=True)
class AlbumPhoto:
    """A photo the album will use: its place as sent, its bytes, pixels and when it was taken (when it says)."""

    index: int
    filename: str | None
    content_type: str
    data: bytes
    pixels: int
    taken_at: datetime | None


def read_album(
    uploads: Sequence[Photo], limits: AlbumLimits, *, order: AlbumOrder
) -> tuple[list[AlbumPhoto], list[str]]:
    """The usable photos in playing order, and a warning for each photo left out (see the module docstring)."""
    if len(uploads) > limits.max_photos:
        raise TooManyPhotos(f"an album holds at most {limits.max_photos} photos; {len(uploads)} were sent")
    total = sum(len(upload.data) for upload in uploads)
    if total > limits.max_bytes:
        raise PayloadTooLarge(
            f"the album's photos are {total:,} bytes in all, over the {limits.max_bytes:,}-byte limit"
        )
    photos: list[AlbumPhoto] = []
    left_out: list[str] = []
    for index, upload in enumerate(uploads):
        photo, problem = _judge(index, upload, limits)
        if photo is not None:
            photos.append(photo)
        else:
            left_out.append(f"{photo_name(index, upload.filename)} was left out: {problem}")
    if not photos:
        raise NoReadablePhoto("no photo of the album could be read: " + "; ".join(left_out))
    pixels = sum(photo.pixels for photo in photos)
    if pixels > limits.max_pixels:
        raise PayloadTooLarge(
            f"the album's photos hold {pixels / 1e6:.0f} megapixels in all, over the {limits.max_pixels / 1e6:.0f} MP "
            "limit; send smaller copies (a phone's 'medium' size is plenty)"
        )
    if order == "taken":
        # Photos that do not say when they were taken keep their given place after those that do.
        photos.sort(key=lambda p: (p.taken_at is None, p.taken_at or datetime.min, p.index))
    return photos, left_out


def photo_name(index: int, filename: str | None) -> str:
    """How a warning names a photo: its place as sent (from 1, as a person counts) and its file name."""
    return f"photo {index + 1}" + (f" ({filename})" if filename else "")


def _judge(index: int, upload: Photo, limits: AlbumLimits) -> tuple[AlbumPhoto | None, str]:
    try:
        media = upload.media_type()
    except UnsupportedMediaType:
        return None, f"it is {upload.content_type or 'untyped'}, not an image"
    if not upload.data:
        return None, "it is empty"
    if len(upload.data) > limits.max_photo_bytes:
        return None, f"it is {len(upload.data):,} bytes, over the {limits.max_photo_bytes:,}-byte limit for a photo"
    try:
        with warnings.catch_warnings():
            # Pillow warns on a header over its own bomb threshold; MAX_PIXELS below refuses it anyway.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(upload.data), formats=ALLOWED_FORMATS) as opened:
                pixels = opened.width * opened.height
                taken_at = _taken_at(opened)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return None, f"it is not a readable image ({', '.join(ALLOWED_FORMATS)})"
    if pixels > MAX_PIXELS:
        return None, f"it has {pixels / 1e6:.0f} megapixels, over the {MAX_PIXELS / 1e6:.0f} MP limit"
    photo = AlbumPhoto(index, upload.filename, media, upload.data, pixels, taken_at)
    return photo, ""


def _taken_at(opened: Image.Image) -> datetime | None:
    """EXIF DateTimeOriginal, or None when the photo does not say (or says something that is not a time)."""
    try:
        value = opened.getexif().get_ifd(EXIF_IFD).get(DATE_TIME_ORIGINAL)
        return datetime.strptime(str(value).strip("\x00 "), EXIF_TIME_FORMAT) if value else None
    except (ValueError, OSError, SyntaxError, TypeError, KeyError):
        return None
