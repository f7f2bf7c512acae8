"""Turn uploaded bytes into an upright RGB image, or a clear error: the one place image input is trusted.

Size is checked from the header before any pixel is decoded, per call: PIL's global MAX_IMAGE_PIXELS is never
touched, so one service's limit cannot change another library's behaviour in the same process.
"""

from __future__ import annotations

import io
import logging
from typing import Final

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from shared.errors import InvalidInput, PayloadTooLarge
from shared.image_limits import ALLOWED_FORMATS, MAX_PIXELS

log = logging.getLogger("pressedplay.image_io")

DEFAULT_MAX_PIXELS: Final = MAX_PIXELS
_WHITE: Final = (255, 255, 255)
# ISO-BMFF brands of HEIC/HEIF (iPhone photos): named in the error so the user knows what to do.
_HEIF_BRANDS: Final = (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1")
# What PIL raises on malformed streams varies by plugin; all of them mean "corrupt" to a caller.
_DECODE_ERRORS: Final = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError, MemoryError)


class InvalidImage(InvalidInput):
    """The bytes are empty, not an image, corrupt or truncated, or in a form we cannot read (422)."""


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
    upright = _exif_upright(image)
    return _to_rgb(upright)


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


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _exif_upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF Orientation tag; a broken EXIF block is ignored rather than failing the upload."""
    try:
        return ImageOps.exif_transpose(image)
    except _DECODE_ERRORS as exc:
        log.info("image.exif_ignored", extra={"reason": _reason(exc)})
        return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any decoded mode -> 8-bit sRGB-ish RGB: ICC profiles honoured, high bit depths scaled, alpha on white."""
    mode = image.mode
    if mode in ("RGB",) and not image.info.get("icc_profile"):
        return image
    if mode.startswith("I") or mode == "F":
        image = _high_depth_to_l(image)
        mode = image.mode
    if mode == "CMYK" or (mode == "RGB" and image.info.get("icc_profile")):
        return _icc_to_srgb(image)
    if (mode == "P" and "transparency" in image.info) or mode in ("PA", "LA", "La", "RGBa", "RGBA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, _WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    try:
        return image.convert("RGB")
    except ValueError as exc:
        raise InvalidImage(f"images in colour mode {mode} are not supported: {exc}") from exc


def _high_depth_to_l(image: Image.Image) -> Image.Image:
    """16-bit and 32-bit greyscale -> 8-bit L by scaling (PIL's convert clips everything above 255 to white)."""
    values = np.asarray(image, dtype=np.float64)
    if image.mode == "F":
        top = 1.0 if values.size and float(np.nanmax(values)) <= 1.0 else 255.0
    elif image.mode.startswith("I;16"):
        top = 65535.0
    else:  # mode "I": 16-bit PNG/TIFF data lands here; 8-bit range data stays as is
        top = 65535.0 if values.size and float(values.max()) > 255 else 255.0
    scaled = np.clip(np.nan_to_num(values) / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
    result = Image.fromarray(scaled, mode="L")
    result.info = dict(image.info)
    return result


def _icc_to_srgb(image: Image.Image) -> Image.Image:
    """Convert through the embedded ICC profile when there is a usable one, else PIL's plain formula."""
    profile_bytes = image.info.get("icc_profile")
    if profile_bytes:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile_bytes))
            if image.mode == "RGB" and "srgb" in ImageCms.getProfileDescription(source).lower():
                return image  # already sRGB: a no-op transform would only cost time on big photos
            converted = ImageCms.profileToProfile(
                image,
                source,
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
            )
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError) as exc:
            log.info("image.icc_ignored", extra={"mode": image.mode, "reason": _reason(exc)})
    return image.convert("RGB")
