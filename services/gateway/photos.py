"""The photo a rating keeps: the upload re-encoded as a JPEG of at most PHOTO_MAX_BYTES (as the original kept it),
upright, at most 640 px on its long side, quality lowered and then size halved until it fits.

640 px: the copy feeds retraining, where the model reads 224 px, and the person's own list of ratings; 1024 px
cost the gateway three times the CPU of 640 on every upload (a 1.2 MP JPEG decodes straight to 640 at 1/2 scale),
and that CPU is what the prediction on the same cores waits for (`python -m bench decode`)."""

from __future__ import annotations

import io
import logging

from PIL import Image, UnidentifiedImageError

from shared.image_limits import ALLOWED_FORMATS, MAX_PIXELS
from shared.photo_rgb import InvalidImage, upright_rgb
from shared.rating import PHOTO_MAX_BYTES

log = logging.getLogger("pressedplay.gateway")
LONG_SIDE = 640
QUALITIES = (85, 75, 65, 50)


def reencode_photo(data: bytes, *, max_bytes: int = PHOTO_MAX_BYTES) -> bytes | None:
    """A JPEG of at most max_bytes, or None when the bytes are not a readable image (inference said so first).

    The same formats and pixel limit as inference, checked from the header before any decode: the copy is made
    after inference accepted the photo, and this keeps it safe on its own."""
    try:
        with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                log.warning("photo.too_large", extra={"pixels": opened.width * opened.height})
                return None
            # A JPEG decodes at 1/2..1/8 scale while its long side stays >= LONG_SIDE: a 12 MP phone photo in a
            # fraction of a full decode (draft only ever picks a size at least as large as the one asked for).
            scale = LONG_SIDE / max(opened.size)
            if scale < 1 and opened.format in ("JPEG", "MPO"):
                opened.draft("RGB", (max(1, round(opened.width * scale)), max(1, round(opened.height * scale))))
            # The model's own conversion (inference's image_io): the photo kept is the photo the model read.
            image = upright_rgb(opened)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, InvalidImage) as exc:
        log.warning("photo.unreadable", extra={"reason": str(exc)[:200]})
        return None
    # Bilinear: the kept photo feeds retraining at 224 px, where bicubic's sharper edges are lost (and it costs
    # 1.7x the time of bilinear on a 1.2 MP photo).
    image.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.BILINEAR)
    while True:
        for quality in QUALITIES:
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=quality, optimize=True)
            if buffer.tell() <= max_bytes:
                return buffer.getvalue()
        if min(image.size) <= 16:
            return None
        image = image.resize((max(1, image.width // 2), max(1, image.height // 2)))
