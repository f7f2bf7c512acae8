"""What any service accepts as an uploaded photo before decoding a pixel: the formats people upload (limiting PIL's
plugins keeps EPS/Ghostscript and exotic parsers unreachable) and a pixel count (decompression bombs)."""

from __future__ import annotations

from typing import Final

ALLOWED_FORMATS: Final[tuple[str, ...]] = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF", "AVIF")
MAX_PIXELS: Final = 40_000_000
