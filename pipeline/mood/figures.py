"""The mood figures in docs/model.md: the mapping from a photo's mood to features, predicted against human mood
(out of fold), and a contact sheet of photos with the mood the model reads in them.

.venv/bin/python -m pipeline.mood.figures [--model models/effnet-vae.pt] [--out docs/img/model] [--photos DIR]

The committed contact sheet uses generated scenes only; `--photos DIR` makes one of any folder of photos (e.g. the
rated affect photos) under var/, which is never committed: those photos belong to their owners.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from pipeline.mood.scenes import night_street, sunset, variants
from services.inference.model.feature_mapping import FeatureMapping
from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor
from services.playlist.recommend.explain import mood_words
from shared.features import AUDIO_FEATURES
from shared.paths import REPO_ROOT

MOVED = ("valence", "energy", "danceability", "acousticness", "loudness", "liveness")
THUMB = 160


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def mapping_figure(mapping: FeatureMapping, path: Path) -> Path:
    """Features (normalised, loudness 0-1) as the photo's valence, then arousal, sweeps the range the model predicts
    for the reference photos (1st to 99th percentile), the other held at its median."""
    plt = _plt()
    levels = mapping.mood_quantiles.shape[1]
    median_look = mapping.catalog_quantiles[:, levels // 2][None, :]
    medians = mapping.mood_quantiles[:, levels // 2]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), dpi=100, sharey=True)
    for d, (ax, dim) in enumerate(zip(axes, ("valence", "arousal"), strict=True)):
        low, high = np.interp([0.01, 0.99], np.linspace(0, 1, levels), mapping.mood_quantiles[d])
        sweep = np.linspace(low, high, 81)
        mood = np.repeat(medians[None, :], sweep.size, axis=0)
        mood[:, d] = sweep
        served = mapping.compose(np.repeat(median_look, sweep.size, axis=0), mood)
        for name in MOVED:
            ax.plot(sweep, served[:, AUDIO_FEATURES.index(name)], label=name)
        ax.set_xlabel(f"predicted {dim}, 1-9 scale (1st-99th percentile)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("served (normalised; loudness 0..1)")
    axes[1].legend(loc="best", fontsize=8)
    fig.suptitle("Photo mood -> audio features (genre look held at the catalog median)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def scatter_figure(predicted: np.ndarray, human: np.ndarray, path: Path, *, title: str) -> Path:
    """Predicted (out of fold) against human valence and arousal."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), dpi=100)
    for d, (ax, dim) in enumerate(zip(axes, ("valence", "arousal"), strict=True)):
        ax.scatter(human[:, d], predicted[:, d], s=6, alpha=0.5)
        ax.plot([1, 9], [1, 9], color="grey", lw=0.8)
        ax.set_xlabel(f"human {dim} (1-9)")
        ax.set_ylabel(f"predicted {dim}")
        ax.set_xlim(1, 9)
        ax.set_ylim(1, 9)
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def generated_scenes() -> dict[str, Image.Image]:
    """Scenes drawn here, free to commit: the attention figures' two and their brighter / darker variants."""
    scenes: dict[str, Image.Image] = {}
    for name, scene in (("sunset", sunset()), ("night street", night_street())):
        for label, image in variants(scene).items():
            scenes[f"{name}, {label}"] = image
    return scenes


def contact_sheet(predictor: Predictor, photos: dict[str, Image.Image], path: Path, *, columns: int = 3) -> Path:
    """A grid of thumbnails, each with its predicted mood (1-9), the mood words of its features and top look."""
    names = list(photos)
    predictions = predictor.predict([photos[n] for n in names])
    rows = -(-len(names) // columns)
    cell_w, cell_h = THUMB + 20, THUMB + 64
    sheet = Image.new("RGB", (columns * cell_w, rows * cell_h), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (name, prediction) in enumerate(zip(names, predictions, strict=True)):
        x, y = (i % columns) * cell_w + 10, (i // columns) * cell_h + 6
        thumb = photos[name].convert("RGB").resize((THUMB, THUMB))
        sheet.paste(thumb, (x, y))
        mood = prediction.mood
        words = mood_words(prediction.features.to_vector())
        look = max(prediction.genre_look.items(), key=lambda kv: kv[1])[0] if prediction.genre_look else "-"
        lines = [
            name[:28],
            f"valence {mood.valence:.1f}  arousal {mood.arousal:.1f}" if mood else "no mood head",
            f"asks for: {words}; looks {look}",
        ]
        for k, line in enumerate(lines):
            draw.text((x, y + THUMB + 4 + 13 * k), line, fill=(20, 20, 20))
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)
    return path


def _folder_photos(folder: Path, limit: int) -> dict[str, Image.Image]:
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp"})
    step = max(len(paths) // limit, 1)
    return {str(p.relative_to(folder)): Image.open(p).convert("RGB") for p in paths[::step][:limit]}


def main(argv: Sequence[str] | None = None) -> int:
    """Write the mapping figure and the generated-scene contact sheet (and a private sheet with --photos)."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.mood.figures")
    parser.add_argument("--model", default=str(DEFAULT_MODEL_PATH))
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "img" / "model")
    parser.add_argument("--photos", type=Path, default=None, help="also a contact sheet of these photos, in var/")
    parser.add_argument("--limit", type=int, default=24)
    args = parser.parse_args(argv)
    predictor = Predictor.load(args.model, device="cpu")
    mapping = predictor.checkpoint.feature_mapping
    if mapping is None:
        raise SystemExit(f"{args.model} has no mood head")
    print(mapping_figure(mapping, args.out / "mood-mapping.png"))
    print(contact_sheet(predictor, generated_scenes(), args.out / "mood-contact-sheet.png"))
    if args.photos:
        private = REPO_ROOT / "var" / "figures" / "mood-contact-sheet-photos.png"
        print(contact_sheet(predictor, _folder_photos(args.photos, args.limit), private, columns=6))
    return 0


if __name__ == "__main__":
    sys.exit(main())
