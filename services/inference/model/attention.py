"""Attention maps made visible: upsampled onto the photo as a heat-map overlay (PNG bytes)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from shared.errors import InvalidInput

MAX_OVERLAY_SIDE = 512


class InvalidAttention(InvalidInput):
    """An attention map that is not a finite, non-negative 2-d array."""


def _heat_colours(values: np.ndarray) -> np.ndarray:
    """[0, 1] values -> (h, w, 3) uint8 through matplotlib's 'inferno' map (perceptually uniform, print-safe)."""
    from matplotlib import colormaps

    rgba: np.ndarray = colormaps["inferno"](values)  # a Colormap call is typed Any for array input
    return (rgba[..., :3] * 255).astype(np.uint8)


def attention_heat(attention: np.ndarray, *, size: tuple[int, int]) -> np.ndarray:
    """Attention (h, w) -> a (height, width) map in [0, 1] at `size` (width, height), smoothly upsampled."""
    att = np.asarray(attention, dtype=np.float32)
    if att.ndim != 2 or att.size == 0 or not np.isfinite(att).all() or (att < 0).any():
        raise InvalidAttention(f"attention must be a finite non-negative 2-d array, got shape {att.shape}")
    peak = float(att.max())
    scaled = att / peak if peak > 0 else att
    upsampled = Image.fromarray(scaled).resize(size, Image.Resampling.BICUBIC)
    return np.clip(np.asarray(upsampled, dtype=np.float32), 0.0, 1.0)


def overlay_png(image: Image.Image, attention: np.ndarray, *, alpha: float = 0.55) -> bytes:
    """The photo (longest side at most 512 px) with the attention heat map blended over it, as PNG bytes."""
    photo = image.convert("RGB")
    photo.thumbnail((MAX_OVERLAY_SIDE, MAX_OVERLAY_SIDE))
    heat = _heat_colours(attention_heat(attention, size=photo.size))
    blended = Image.blend(photo, Image.fromarray(heat), alpha)
    buffer = io.BytesIO()
    blended.save(buffer, format="PNG")
    return buffer.getvalue()
