"""Generated scenes (covers are copyrighted): a warm sunset and a cold night street, and brighter/duller variants.

The mood figures and the shipped-model tests read the model's mood on them.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance


def sunset(size: int = 256) -> Image.Image:
    """A bright, warm, saturated scene: an orange-to-pink sky, a yellow sun, a dark sea band."""
    y = np.linspace(0, 1, size)[:, None]
    sky = np.stack([255 - 30 * y, 120 + 60 * y, 60 + 120 * y], axis=-1) * np.ones((1, size, 1))
    image = Image.fromarray(sky.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.55, size * 0.35, size * 0.8, size * 0.6), fill=(255, 230, 90))
    draw.rectangle((0, int(size * 0.72), size, size), fill=(60, 40, 90))
    return image


def night_street(size: int = 256) -> Image.Image:
    """A dark, cold, washed-out scene: grey-blue blocks under a dim sky, a few pale windows."""
    rng = np.random.default_rng(3)
    image = Image.new("RGB", (size, size), (38, 42, 52))
    draw = ImageDraw.Draw(image)
    for x in range(0, size, 40):
        top = int(rng.integers(size // 4, size // 2))
        draw.rectangle((x, top, x + 34, size), fill=(55, 60, 72))
        for wy in range(top + 8, size - 10, 18):
            if rng.random() < 0.3:
                draw.rectangle((x + 8, wy, x + 14, wy + 6), fill=(120, 125, 130))
    return image


def variants(image: Image.Image) -> dict[str, Image.Image]:
    """The same scene brightened/saturated and darkened/desaturated, to isolate the colour effect."""
    vivid = ImageEnhance.Color(ImageEnhance.Brightness(image).enhance(1.4)).enhance(1.6)
    dull = ImageEnhance.Color(ImageEnhance.Brightness(image).enhance(0.45)).enhance(0.3)
    return {"as made": image, "brighter + more saturated": vivid, "darker + washed out": dull}
