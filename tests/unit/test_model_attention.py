"""Attention overlays: a PNG of the photo with the heat map over it, and clear errors for bad maps."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from services.inference.model.attention import InvalidAttention, attention_heat, overlay_png


def test_overlay_is_a_png_the_size_of_the_photo_capped_at_512px() -> None:
    photo = Image.new("RGB", (800, 400), (10, 200, 30))
    png = overlay_png(photo, np.full((7, 7), 1 / 49))
    with Image.open(io.BytesIO(png)) as overlay:
        assert overlay.format == "PNG"
        assert overlay.size == (512, 256)


def test_the_hot_cell_is_where_the_overlay_is_brightest() -> None:
    attention = np.zeros((4, 4), dtype=np.float32)
    attention[0, 3] = 1.0  # top-right
    heat = attention_heat(attention, size=(64, 64))
    y, x = np.unravel_index(heat.argmax(), heat.shape)
    assert y < 16 and x >= 48


@pytest.mark.parametrize("bad", [np.zeros(5), np.full((2, 2), np.nan), -np.ones((2, 2)), np.zeros((0, 0))])
def test_malformed_attention_is_rejected_with_a_clear_error(bad: np.ndarray) -> None:
    with pytest.raises(InvalidAttention, match="finite non-negative 2-d"):
        overlay_png(Image.new("RGB", (8, 8)), bad)
