"""The one way a decoded photo becomes the RGB pixels we use: upright by its EXIF orientation, ICC profiles honoured,
high bit depths scaled, transparency on white. Inference reads these pixels and the gateway keeps them for
retraining, so both call this: the photo kept with a rating is the photo the model read (a 16-bit PNG the model
read as mid-grey was kept as white, a transparent PNG read as white was kept as black)."""

from __future__ import annotations

import io
import logging
from typing import Final

import numpy as np
from PIL import Image, ImageCms, ImageOps

from shared.errors import InvalidInput

log = logging.getLogger("pressedplay.photo_rgb")

_WHITE: Final = (255, 255, 255)
# What PIL raises on malformed streams varies by plugin; all of them mean "corrupt" to a caller.
DECODE_ERRORS: Final = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError, MemoryError)


class InvalidImage(InvalidInput):
    """The bytes are empty, not an image, corrupt or truncated, or in a form we cannot read (422)."""


def upright_rgb(image: Image.Image) -> Image.Image:
    """A decoded image -> upright 8-bit sRGB-ish RGB, always a new image (the caller may close the file the input
    reads from); InvalidImage for a colour mode PIL cannot convert."""
    rgb = _to_rgb(_exif_upright(image))
    return image.copy() if rgb is image else rgb  # only when the EXIF block was broken and the mode already RGB


def reason(exc: BaseException) -> str:
    """An exception as a short reason for a log line or an error."""
    return str(exc) or type(exc).__name__


def _exif_upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF Orientation tag; a broken EXIF block is ignored rather than failing the upload."""
    try:
        return ImageOps.exif_transpose(image)
    except DECODE_ERRORS as exc:
        log.info("image.exif_ignored", extra={"reason": reason(exc)})
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
            log.info("image.icc_ignored", extra={"mode": image.mode, "reason": reason(exc)})
    return image.convert("RGB")
