"""The figures and the mood table in docs/model.md, made from generated images (covers are copyrighted).

.venv/bin/python -m pipeline.model_figures [--model models/effnet-vae.pt] [--out docs/img/model]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance

from services.inference.model.attention import overlay_png
from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor
from shared.paths import REPO_ROOT


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


def mood_table(predictor: Predictor) -> str:
    """Markdown: the learned mood and the valence and energy served for each scene variant."""
    rows = ["| scene | variant | mood valence | mood arousal | valence | energy |", "|---|---|---|---|---|---|"]
    for name, scene in (("sunset", sunset()), ("night street", night_street())):
        for label, image in variants(scene).items():
            prediction = predictor.predict([image])[0]
            mood = prediction.mood
            valence, arousal = (f"{mood.valence:.2f}", f"{mood.arousal:.2f}") if mood else ("-", "-")
            features = prediction.features
            rows.append(
                f"| {name} | {label} | {valence} | {arousal} | {features.valence:.3f} | {features.energy:.3f} |"
            )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the attention overlays and print the mood table."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.model_figures")
    parser.add_argument("--model", default=str(DEFAULT_MODEL_PATH))
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "img" / "model")
    args = parser.parse_args(argv)
    predictor = Predictor.load(args.model, device="cpu")
    args.out.mkdir(parents=True, exist_ok=True)
    for name, scene in (("sunset", sunset()), ("night-street", night_street())):
        prediction = predictor.predict([scene], with_attention=True)[0]
        assert prediction.attention is not None
        (args.out / f"attention-{name}.png").write_bytes(overlay_png(scene, prediction.attention))
    print(mood_table(predictor))
    return 0


if __name__ == "__main__":
    sys.exit(main())
