"""An album's cover: its photos as one square JPEG collage, in the photos' order, small enough for Spotify.

The layout is rows of centre-cropped tiles: round(sqrt(n)) rows of equal height, the photos spread over them as
evenly as possible with the wider tiles first (3 photos: one wide on top, two below; 6: two rows of three; 9: three
by three; 30: five rows of six). Reading order is the photos' order, so the cover tells the album's story as the
playlist does.

Each photo is opened as the rest of the gateway opens an upload (photos.py): the allowed formats only, the pixel
limit read from the header before any decode, JPEGs decoded at a reduced scale near their tile's size, EXIF
orientation applied. A photo that cannot be read is left out of the collage (logged), as the album leaves it out of
the playlist; none readable is an error.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Sequence
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

from shared.errors import InvalidInput
from shared.image_limits import ALLOWED_FORMATS, MAX_PIXELS

log = logging.getLogger("pressedplay.gateway")

MAX_PHOTOS: Final = 30
SIDE: Final = 640  # Spotify shows covers at up to 640 px; the playlist service re-encodes at most this size
GUTTER: Final = 4  # px between tiles, in the page's ground colour: tiles read as separate photos
GROUND: Final = (0x12, 0x13, 0x17)
MAX_BYTES: Final = 200 * 1024  # Spotify's 256 KB limit is on the base64 (4/3 of the bytes): 192 KB of JPEG, less
QUALITIES: Final = (85, 75, 65, 50)
FALLBACK_SIDES: Final = (480, 320)
_UNREADABLE: Final = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)

Box = tuple[int, int, int, int]  # left, top, right, bottom


class CollageUnusable(InvalidInput):
    """No photo of the album could be made into the collage (422)."""


def collage_jpeg(photos: Sequence[bytes], *, side: int = SIDE, max_bytes: int = MAX_BYTES) -> bytes:
    """The photos (upload bytes, in order) as a square JPEG collage of at most max_bytes; unreadable ones left out."""
    if not photos:
        raise CollageUnusable("a collage needs at least one photo")
    if len(photos) > MAX_PHOTOS:
        raise CollageUnusable(f"a collage takes at most {MAX_PHOTOS} photos, not {len(photos)}")
    boxes_for_all = tile_boxes(len(photos), side)
    readable = [image for image in (_open_photo(data, _largest(boxes_for_all)) for data in photos) if image]
    if not readable:
        raise CollageUnusable(f"none of the {len(photos)} photos could be read as an image")
    canvas = Image.new("RGB", (side, side), GROUND)
    for image, box in zip(readable, tile_boxes(len(readable), side), strict=True):
        canvas.paste(_fill(image, box), box[:2])
    return _fit(canvas, max_bytes)


def tile_boxes(count: int, side: int = SIDE, gutter: int = GUTTER) -> list[Box]:
    """Where each of count photos goes on a side x side square, in reading order."""
    rows = max(1, round(math.sqrt(count)))
    per_row = [count // rows + (1 if row >= rows - count % rows else 0) for row in range(rows)]
    boxes: list[Box] = []
    for row, columns in enumerate(per_row):
        top, bottom = _span(row, rows, side, gutter)
        for column in range(columns):
            left, right = _span(column, columns, side, gutter)
            boxes.append((left, top, right, bottom))
    return boxes


def _span(index: int, parts: int, side: int, gutter: int) -> tuple[int, int]:
    """The start and end of part index of `parts` equal parts of side, with a gutter between neighbours."""
    start = round(index * (side + gutter) / parts)
    end = round((index + 1) * (side + gutter) / parts) - gutter
    return start, end


def _largest(boxes: Sequence[Box]) -> tuple[int, int]:
    return max(right - left for left, _, right, _ in boxes), max(bottom - top for _, top, _, bottom in boxes)


def _open_photo(data: bytes, tile: tuple[int, int]) -> Image.Image | None:
    """The photo upright in RGB, decoded no larger than needed for a tile of this size; None if unreadable."""
    try:
        with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                log.warning("collage.photo_too_large", extra={"pixels": opened.width * opened.height})
                return None
            if opened.format in ("JPEG", "MPO"):
                # A centre crop of either side fills the tile: decode at the scale that keeps the short side >= it.
                opened.draft("RGB", _draft_size(opened.size, max(tile)))
            opened.seek(0)  # an animation: its first frame
            return _upright_rgb(opened)
    except _UNREADABLE as exc:
        log.warning("collage.photo_unreadable", extra={"reason": str(exc)[:200]})
        return None


def _draft_size(size: tuple[int, int], needed: int) -> tuple[int, int]:
    scale = min(1.0, needed / min(size))
    return max(1, math.ceil(size[0] * scale)), max(1, math.ceil(size[1] * scale))


def _upright_rgb(image: Image.Image) -> Image.Image:
    try:
        upright = ImageOps.exif_transpose(image)
    except (SyntaxError, ValueError, TypeError, KeyError, IndexError) as exc:  # a broken EXIF block: as inference
        log.info("collage.exif_ignored", extra={"reason": str(exc)[:200]})
        upright = image.copy()
    if upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info):
        rgba = upright.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return upright.convert("RGB")


def _fill(image: Image.Image, box: Box) -> Image.Image:
    """The image centre-cropped to the box's shape and resized to fill it."""
    size = (box[2] - box[0], box[3] - box[1])
    return ImageOps.fit(image, size, Image.Resampling.LANCZOS, centering=(0.5, 0.5))


def _fit(canvas: Image.Image, max_bytes: int) -> bytes:
    """The collage as a JPEG of at most max_bytes: quality lowered first, then the side."""
    for side in (canvas.width, *(s for s in FALLBACK_SIDES if s < canvas.width)):
        sized = canvas if side == canvas.width else canvas.resize((side, side), Image.Resampling.LANCZOS)
        for quality in QUALITIES:
            buffer = io.BytesIO()
            sized.save(buffer, format="JPEG", quality=quality, optimize=True)
            if buffer.tell() <= max_bytes:
                return buffer.getvalue()
    raise CollageUnusable(f"the collage could not be compressed under {max_bytes:,} bytes")
