"""The original's nine cover distortions, each applied with probability 1/2, made reproducible.

The 2023 pipeline paired one playlist cover with every track of the playlist and distorted the cover once per
pair, so no two training rows share an image. Here every distortion draws its parameters from a
`numpy.random.Generator` the caller seeds, so the same (seed, cover, pair) always gives the same bytes. Each
distortion keeps the image's size and mode.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

Params = Mapping[str, Any]

APPLY_PROBABILITY: Final = 0.5
JPEG_QUALITY: Final = 90


@dataclass(frozen=True)
class Distortion:
    """One named distortion: how to draw its parameters and how to apply them."""

    name: str
    draw: Callable[[np.random.Generator], dict[str, Any]]
    apply: Callable[[Image.Image, Params], Image.Image]

    def __call__(self, image: Image.Image, rng: np.random.Generator) -> Image.Image:
        return self.apply(image, self.draw(rng))


def _rotate(image: Image.Image, params: Params) -> Image.Image:
    # Corners uncovered by the rotation are filled with the image's mean colour rather than black, so the model
    # does not learn "black corners" as a feature of some tracks.
    fill = tuple(int(v) for v in np.asarray(image).reshape(-1, 3).mean(axis=0))
    return image.rotate(params["degrees"], resample=Image.Resampling.BILINEAR, expand=False, fillcolor=fill)


def _zoom_and_crop(image: Image.Image, params: Params) -> Image.Image:
    width, height = image.size
    crop_w, crop_h = max(1, round(width * params["scale"])), max(1, round(height * params["scale"]))
    left = round((width - crop_w) * params["x"])
    top = round((height - crop_h) * params["y"])
    box = (left, top, left + crop_w, top + crop_h)
    return image.resize((width, height), resample=Image.Resampling.BILINEAR, box=box)


def _brightness_and_contrast(image: Image.Image, params: Params) -> Image.Image:
    brighter = ImageEnhance.Brightness(image).enhance(params["brightness"])
    return ImageEnhance.Contrast(brighter).enhance(params["contrast"])


def _saturation_and_hue(image: Image.Image, params: Params) -> Image.Image:
    saturated = ImageEnhance.Color(image).enhance(params["saturation"])
    hsv = np.asarray(saturated.convert("HSV"), dtype=np.int16)
    shift = round(params["hue_shift"] * 256)
    hsv[..., 0] = (hsv[..., 0] + shift) % 256
    return Image.fromarray(hsv.astype(np.uint8), mode="HSV").convert("RGB")


def _gaussian_noise(image: Image.Image, params: Params) -> Image.Image:
    pixels = np.asarray(image, dtype=np.float32)
    noise = np.random.default_rng(params["noise_seed"]).normal(0.0, params["sigma"], size=pixels.shape)
    return Image.fromarray(np.clip(pixels + noise, 0, 255).round().astype(np.uint8), mode="RGB")


def _gaussian_blur(image: Image.Image, params: Params) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius=params["radius"]))


def _sharpen(image: Image.Image, params: Params) -> Image.Image:
    return image.filter(ImageFilter.UnsharpMask(radius=params["radius"], percent=params["percent"], threshold=0))


# The original's order (inference/img.py); each draw function is the range the distortion samples from.
DISTORTIONS: Final[tuple[Distortion, ...]] = (
    Distortion("rotation", lambda rng: {"degrees": float(rng.uniform(-25.0, 25.0))}, _rotate),
    Distortion("horizontal_flip", lambda rng: {}, lambda image, _: ImageOps.mirror(image)),
    Distortion("vertical_flip", lambda rng: {}, lambda image, _: ImageOps.flip(image)),
    Distortion(
        "zoom_and_crop",
        lambda rng: {"scale": float(rng.uniform(0.7, 0.92)), "x": float(rng.random()), "y": float(rng.random())},
        _zoom_and_crop,
    ),
    Distortion(
        "brightness_and_contrast",
        lambda rng: {"brightness": float(rng.uniform(0.7, 1.3)), "contrast": float(rng.uniform(0.7, 1.3))},
        _brightness_and_contrast,
    ),
    Distortion(
        "saturation_and_hue",
        lambda rng: {"saturation": float(rng.uniform(0.6, 1.4)), "hue_shift": float(rng.uniform(-0.06, 0.06))},
        _saturation_and_hue,
    ),
    Distortion(
        "gaussian_noise",
        lambda rng: {"sigma": float(rng.uniform(4.0, 14.0)), "noise_seed": int(rng.integers(2**32))},
        _gaussian_noise,
    ),
    Distortion("gaussian_blur", lambda rng: {"radius": float(rng.uniform(0.6, 2.0))}, _gaussian_blur),
    Distortion(
        "sharpen",
        lambda rng: {"radius": float(rng.uniform(1.0, 2.5)), "percent": int(rng.integers(80, 200))},
        _sharpen,
    ),
)
DISTORTION_NAMES: Final = tuple(d.name for d in DISTORTIONS)


def distortion_named(name: str) -> Distortion:
    """The distortion called `name`; raises KeyError listing the valid names."""
    for distortion in DISTORTIONS:
        if distortion.name == name:
            return distortion
    raise KeyError(f"unknown distortion {name!r}; valid: {', '.join(DISTORTION_NAMES)}")


def choose_distortions(rng: np.random.Generator) -> list[Distortion]:
    """Each of the nine, independently, with probability 1/2 (the original's mask), in the original's order."""
    mask = rng.random(len(DISTORTIONS)) < APPLY_PROBABILITY
    return [d for d, chosen in zip(DISTORTIONS, mask, strict=True) if chosen]


def distort(image: Image.Image, *, rng: np.random.Generator) -> tuple[Image.Image, list[str]]:
    """A distorted RGB copy of `image` and the names of the distortions applied."""
    out = image.convert("RGB")
    chosen = choose_distortions(rng)
    for distortion in chosen:
        out = distortion(out, rng)
    return out, [d.name for d in chosen]


def prepare_cover(image: Image.Image, *, size: int) -> Image.Image:
    """The cover as a size x size RGB image, EXIF-upright and centre-cropped to square (nothing is stretched)."""
    upright = ImageOps.exif_transpose(image)
    return ImageOps.fit(upright.convert("RGB"), (size, size), method=Image.Resampling.BICUBIC)


def encode_jpeg(image: Image.Image, *, quality: int = JPEG_QUALITY) -> bytes:
    """JPEG bytes of an RGB image (the `cover` column's encoding)."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=False)
    return buffer.getvalue()
