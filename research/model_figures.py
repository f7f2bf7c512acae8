"""The attention overlays and the mood table in docs/model.md, made from generated scenes.

.venv/bin/python -m research.model_figures [--model models/effnet-vae.pt] [--out docs/img/model]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.mood.scenes import night_street, sunset, variants
from services.inference.model.attention import overlay_png
from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor
from shared.paths import REPO_ROOT


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
    parser = argparse.ArgumentParser(prog="python -m research.model_figures")
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
