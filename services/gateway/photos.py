"""The photo a rating keeps: the upload re-encoded as a JPEG of at most PHOTO_MAX_BYTES (as the original kept it),
upright, at most 1024 px on its long side, quality lowered and then size halved until it fits."""

from __future__ import annotations

import io
import logging

from PIL import Image, ImageOps, UnidentifiedImageError

from shared.rating import PHOTO_MAX_BYTES

log = logging.getLogger("pressedplay.gateway")
LONG_SIDE = 1024
QUALITIES = (85, 75, 65, 50)


def reencode_photo(data: bytes, *, max_bytes: int = PHOTO_MAX_BYTES) -> bytes | None:
    """A JPEG of at most max_bytes, or None when the bytes are not a readable image (inference said so first)."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        log.warning("photo.unreadable", extra={"reason": str(exc)[:200]})
        return None
    image.thumbnail((LONG_SIDE, LONG_SIDE))
    while True:
        for quality in QUALITIES:
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=quality, optimize=True)
            if buffer.tell() <= max_bytes:
                return buffer.getvalue()
        if min(image.size) <= 16:
            return None
        image = image.resize((max(1, image.width // 2), max(1, image.height // 2)))
