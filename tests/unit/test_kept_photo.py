"""The photo a rating keeps for retraining (the gateway's re-encoded copy) shows what the model read: both go
through shared/photo_rgb.py. Before, the gateway converted on its own: a 16-bit PNG the model read as mid-grey was
kept as white, a transparent PNG the model read as white was kept as black."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image

from services.gateway.photos import reencode_photo
from services.inference.model.image_io import decode_image


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def sixteen_bit_grey() -> bytes:
    return encoded(Image.fromarray(np.full((32, 48), 20_000, dtype=np.uint16)), "PNG")  # the model reads ~(78,78,78)


def transparent() -> bytes:
    return encoded(Image.new("RGBA", (48, 32), (0, 0, 0, 0)), "PNG")  # the model reads white


def half_transparent_red() -> bytes:
    return encoded(Image.new("RGBA", (48, 32), (255, 0, 0, 128)), "PNG")


def palette_with_transparency() -> bytes:
    palette = Image.new("P", (48, 32), 1)
    palette.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    return encoded(palette, "GIF", transparency=1)


def grey_with_alpha() -> bytes:
    return encoded(Image.new("LA", (48, 32), (0, 0)), "PNG")


def cmyk() -> bytes:
    return encoded(Image.new("CMYK", (48, 32), (0, 255, 255, 0)), "JPEG", quality=95)


def rotated_by_exif() -> bytes:
    stored = Image.new("RGB", (48, 32), (255, 0, 0))
    stored.paste((0, 0, 255), (24, 0, 48, 32))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    return encoded(stored, "JPEG", exif=exif.tobytes(), quality=95)


PHOTOS = {
    "16-bit greyscale PNG": sixteen_bit_grey,
    "fully transparent PNG": transparent,
    "half-transparent red PNG": half_transparent_red,
    "GIF with a transparent palette colour": palette_with_transparency,
    "greyscale with alpha": grey_with_alpha,
    "CMYK JPEG": cmyk,
    "JPEG rotated by its EXIF orientation": rotated_by_exif,
}


@pytest.mark.parametrize("make", PHOTOS.values(), ids=PHOTOS.keys())
def test_the_kept_photo_has_the_pixels_the_model_read(make: Callable[[], bytes]) -> None:
    data = make()
    read = np.asarray(decode_image(data), dtype=np.float64)
    copy = reencode_photo(data)
    assert copy is not None
    kept = np.asarray(Image.open(io.BytesIO(copy)), dtype=np.float64)
    assert kept.shape == read.shape  # same orientation, same size (below the 640 px the copy is cut to)
    assert np.abs(kept - read).mean() < 4  # JPEG's loss, not another colour
