"""Turn uploaded bytes into an upright RGB image, or a clear error: the one place image input is trusted.

Size is checked from the header before any pixel is decoded, per call: PIL's global MAX_IMAGE_PIXELS is never
touched, so one service's limit cannot change another library's behaviour in the same process.
"""

from __future__ import annotations

import io
from typing import Final

from PIL import Image, UnidentifiedImageError

from shared.errors import PayloadTooLarge
from shared.image_limits import ALLOWED_FORMATS, MAX_PIXELS
from shared.photo_rgb import DECODE_ERRORS as _DECODE_ERRORS
from shared.photo_rgb import InvalidImage, upright_rgb
from shared.photo_rgb import reason as _reason

__all__ = ["DEFAULT_MAX_PIXELS", "ImageTooLarge", "InvalidImage", "decode_image"]

DEFAULT_MAX_PIXELS: Final = MAX_PIXELS
# ISO-BMFF brands of HEIC/HEIF (iPhone photos): named in the error so the user knows what to do.
_HEIF_BRANDS: Final = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1")


class ImageTooLarge(PayloadTooLarge):
    """The image's dimensions exceed the pixel limit: a decompression bomb or simply too big (413)."""


def decode_image(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS, min_side: int | None = None) -> Image.Image:
    """Decode bytes into an RGB, EXIF-upright image (first frame, alpha on white); raise InvalidImage/ImageTooLarge.

    `min_side`: JPEGs may be decoded at a reduced scale (1/2, 1/4, 1/8) that keeps both sides at least this long.
    """
    if not data:
        raise InvalidImage("the image is empty (0 bytes)")
    image = _open(data, max_pixels=max_pixels)
    if min_side is not None and image.format in ("JPEG", "MPO"):
        # libjpeg scales while decoding: a 12 MP phone photo decodes several times faster at 1/4 size, and the
        # model sees 224 px anyway. draft() only ever picks a size at least as large as the one asked for.
        image.draft(None, (min_side, min_side))
    try:
        image.seek(0)  # animations: the first frame is the cover
        image.load()
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(f"the image is too large to decode safely: {exc}") from exc
    except _DECODE_ERRORS as exc:
        raise InvalidImage(f"the {image.format} image is corrupt or truncated: {_reason(exc)}") from exc
    return upright_rgb(image)  # the pixels the gateway keeps with a rating too (shared/photo_rgb.py)


def _open(data: bytes, *, max_pixels: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(f"the image dimensions are too large: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise InvalidImage(_unidentified_message(data)) from exc
    except _DECODE_ERRORS as exc:
        raise InvalidImage(f"the image header is corrupt: {_reason(exc)}") from exc
    width, height = image.size
    if width <= 0 or height <= 0:
        raise InvalidImage(f"the image has no pixels ({width}x{height})")
    if width * height > max_pixels:
        raise ImageTooLarge(
            f"the image is {width}x{height} = {width * height:,} pixels; the limit is {max_pixels:,} pixels"
        )
    return image


def _unidentified_message(data: bytes) -> str:
    supported = ", ".join(ALLOWED_FORMATS)
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return f"HEIC/HEIF images are not supported; export the photo as JPEG (supported: {supported})"
    return f"the data is not an image in a supported format ({supported})"
