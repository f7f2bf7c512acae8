"""The image path: a 12-megapixel phone JPEG to the model's input, at each reduce-on-load setting.

    python -m bench decode

A 4000 x 3000 photo-like JPEG (shapes, gradients and sensor-like noise, about 3 MB at quality 90, as a phone
writes) goes through the service's own decode_image (header check, JPEG draft scaling, EXIF, colour) and the squash
to 224 px the model takes, at INFERENCE_DECODE_MIN_SIDE = full size, 1024, 512 and 256 (the default). Also the
gateway's copy of a photo for ratings (reencode_photo) of the 12 MP and of a 1.2 MP photo. Median of 7 runs after
one warm-up. Writes the `decode` section of bench/RESULTS.md.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw

from bench.decode_readings import side_by_side
from bench.results import machine_line, write_section
from services.gateway.photos import LONG_SIDE, reencode_photo
from services.inference.model.image_io import decode_image
from services.inference.settings import Settings

RUNS = 7
MODEL_SIDE = 224


def phone_jpeg(width: int = 4000, height: int = 3000, *, seed: int = 0) -> bytes:
    """A photo-like JPEG: a sky gradient, a few hundred shapes, Gaussian noise (what makes real JPEGs big)."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    image = Image.fromarray((np.array([40, 90, 160], np.float32) + y * np.array([170, 110, 40])).astype(np.uint8)
                            * np.ones((1, width, 1), np.uint8))  # fmt: skip
    draw = ImageDraw.Draw(image)
    for _ in range(300):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(height // 3, height))
        w, h = int(rng.integers(20, width // 6)), int(rng.integers(20, height // 4))
        draw.rectangle((x0, y0, x0 + w, y0 + h), fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    noisy = np.asarray(image, dtype=np.float32) + rng.normal(0, 7, (height, width, 3)).astype(np.float32)
    buffer = io.BytesIO()
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def median_ms(work: Callable[[], object]) -> float:
    """Median wall time of RUNS calls after a warm-up, in ms."""
    work()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return float(np.median(times))


def to_model_input(data: bytes, min_side: int | None) -> np.ndarray:
    """What the service does before the model: decode (reduced where allowed) and squash to 224 px."""
    image = decode_image(data, min_side=min_side)
    return np.asarray(image.resize((MODEL_SIDE, MODEL_SIDE), Image.Resampling.BILINEAR))


def main() -> None:
    """Time each setting and write the table."""
    default = Settings(_env_file=None).decode_min_side  # type: ignore[call-arg]
    big, small = phone_jpeg(), phone_jpeg(1280, 960, seed=1)
    full_input = to_model_input(big, None).astype(np.float32)
    rows = []
    for min_side in (None, 1024, 512, 256):
        decoded = decode_image(big, min_side=min_side)
        ms = median_ms(lambda m=min_side: to_model_input(big, m))  # type: ignore[misc]
        shift = float(np.abs(to_model_input(big, min_side).astype(np.float32) - full_input).mean())
        label = "full size" if min_side is None else str(min_side)
        label += " (default)" if min_side == default else ""
        rows.append(f"| {label} | {decoded.width} x {decoded.height} | {ms:.1f} | {shift:.2f} |")
        print(rows[-1], flush=True)
    keep_big, keep_small = median_ms(lambda: reencode_photo(big)), median_ms(lambda: reencode_photo(small))
    body = "\n".join(
        [
            "## The image path: a 12 MP JPEG to the model input",
            "",
            machine_line(),
            f"Command: `python -m bench decode`. A 4000 x 3000 photo-like JPEG of {len(big) / 1e6:.1f} MB",
            f"(quality 90); median of {RUNS} runs. Input shift: mean absolute difference of the 224 px model input",
            "from the full-size decode, in 8-bit levels.",
            "",
            "| INFERENCE_DECODE_MIN_SIDE | decoded at | decode + squash to 224 px, ms | input shift (levels) |",
            "|---|---|---|---|",
            *rows,
            "",
            f"The gateway's copy for ratings (`reencode_photo`, at most {LONG_SIDE} px, JPEG draft + bilinear): 12 MP "
            f"{keep_big:.1f} ms, 1.2 MP ({len(small) / 1e3:.0f} KB) {keep_small:.1f} ms; it runs alongside the "
            "prediction.",
            "",
            f"What a person gets: rated photos enlarged to 12 MP, read at full size and at {default} px "
            "(bench/decode_readings.py):",
            "",
            *side_by_side(default),
        ]
    )
    write_section("decode", body)
    print(body)
