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


def _balloon(side: int) -> Image.Image:
    art = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(art)
    draw.ellipse((side * 0.15, 0, side * 0.85, side * 0.8), fill=(220, 30, 40, 255))
    draw.ellipse((side * 0.3, side * 0.12, side * 0.42, side * 0.3), fill=(255, 160, 160, 255))
    draw.line((side / 2, side * 0.8, side / 2, side), fill=(40, 40, 40, 255), width=2)
    return art


def _smiley(side: int) -> Image.Image:
    art = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(art)
    ink = (40, 30, 0, 255)
    draw.ellipse((0, 0, side - 1, side - 1), fill=(250, 210, 40, 255), outline=(60, 40, 0, 255), width=3)
    draw.ellipse((side * 0.28, side * 0.3, side * 0.38, side * 0.45), fill=ink)
    draw.ellipse((side * 0.62, side * 0.3, side * 0.72, side * 0.45), fill=ink)
    draw.arc((side * 0.25, side * 0.35, side * 0.75, side * 0.8), 20, 160, fill=ink, width=4)
    return art


def _flower(side: int) -> Image.Image:
    art = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(art)
    for petal in range(8):
        angle = petal * np.pi / 4
        cx, cy, r = side / 2 + np.cos(angle) * side * 0.28, side / 2 + np.sin(angle) * side * 0.28, side * 0.18
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(240, 120, 200, 255))
    draw.ellipse((side * 0.35, side * 0.35, side * 0.65, side * 0.65), fill=(250, 200, 30, 255))
    return art


def _checked_ball(side: int) -> Image.Image:
    squares = (np.indices((side, side)).sum(axis=0) // max(side // 6, 1)) % 2
    colours = np.where(squares[..., None] == 1, [30, 90, 220], [250, 250, 250]).astype(np.uint8)
    mask = Image.new("L", (side, side), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, side - 1, side - 1), fill=255)
    art = Image.fromarray(colours).convert("RGBA")
    art.putalpha(mask)
    return art


OBJECTS = {"balloon": _balloon, "smiley": _smiley, "flower": _flower, "checked ball": _checked_ball}


def object_on_plain(
    rng: np.random.Generator, *, kind: str, size: int = 224
) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """One of OBJECTS (a fifth to a third of the side) pasted at a random place on a plain background of a random
    colour: the pointing test of a heat map. Returns the scene and the object's box (left, top, right, bottom)."""
    background = tuple(int(v) for v in rng.integers(60, 200, 3))
    scene = Image.new("RGB", (size, size), background)
    side = int(rng.integers(size // 5, size // 3))
    left, top = int(rng.integers(0, size - side)), int(rng.integers(0, size - side))
    art = OBJECTS[kind](side)
    scene.paste(art, (left, top), art)
    return scene, (left, top, left + side, top + side)
