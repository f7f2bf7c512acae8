"""The heat maps and the mood table in docs/model.md, made from generated scenes (never rated or cover photos:
those are copyrighted).

.venv/bin/python -m research.model_figures [--model models/effnet-vae.pt] [--out docs/img/model]
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from pipeline.mood.heat_checks import peak_on, pointing_game, randomised_head_maps, rank_correlation
from pipeline.mood.scenes import OBJECTS, night_street, object_on_plain, sunset, variants
from services.inference.model.architectures import EffnetVAE
from services.inference.model.attention import overlay_png
from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor
from services.inference.model.transforms import colour_stats
from services.playlist.recommend.explain import mood_words
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


TILE = 256


def heat_scenes() -> dict[str, Image.Image]:
    """Six generated scenes: the two mood scenes, a variant of each, and two objects at random places."""
    rng = np.random.default_rng(22)
    return {
        "sunset": sunset(TILE),
        "sunset, darker + washed out": variants(sunset(TILE))["darker + washed out"],
        "night street": night_street(TILE),
        "night street, brighter + more saturated": variants(night_street(TILE))["brighter + more saturated"],
        "balloon on a plain wall": object_on_plain(rng, kind="balloon", size=TILE)[0],
        "flower on a plain wall": object_on_plain(rng, kind="flower", size=TILE)[0],
    }


def heat_sheet(predictor: Predictor) -> Image.Image:
    """Each scene beside itself with the heat map over it, captioned with the mood words the page would say."""
    scenes = heat_scenes()
    caption = 34
    sheet = Image.new("RGB", (2 * (2 * TILE + 8) + 16, 3 * (TILE + caption) + 16), (18, 19, 23))
    draw = ImageDraw.Draw(sheet)
    for i, (name, scene) in enumerate(scenes.items()):
        prediction = predictor.predict([scene], with_attention=True)[0]
        assert prediction.attention is not None
        overlay = Image.open(io.BytesIO(overlay_png(scene, prediction.attention))).convert("RGB").resize((TILE, TILE))
        x, y = 8 + (i % 2) * (2 * TILE + 16), 8 + (i // 2) * (TILE + caption)
        sheet.paste(scene.convert("RGB").resize((TILE, TILE)), (x, y))
        sheet.paste(overlay, (x + TILE, y))
        words = mood_words(prediction.features.to_vector())
        draw.text((x, y + TILE + 6), f"{name}: feels {words}", fill=(243, 239, 231))
    return sheet


def look_map_pointing(predictor: Predictor, *, trials_per_kind: int = 15, seed: int = 22) -> int:
    """The pointing game for the genre look's class-activation map (not served: this is why): per position, its
    attention weight times the top genre's logit weights (less the other genres' mean) on the standardised map."""
    model = predictor.model
    assert isinstance(model, EffnetVAE)
    head = model.head
    channels = head.attention.in_channels
    weights = (head.classifier.weight @ head.fc_mu.weight[:, :channels]) / head.input_std[:channels]
    weights = weights - weights.mean(dim=0, keepdim=True)
    rng = np.random.default_rng(seed)
    hits = 0
    for kind in OBJECTS:
        for _ in range(trials_per_kind):
            scene, box = object_on_plain(rng, kind=kind)
            stats = torch.from_numpy(colour_stats(scene).as_array()[None]).float()
            with torch.inference_mode():
                fmap = model.backbone(predictor.checkpoint.transform.batch([scene]))
                out = head(fmap, stats=stats, sample=False)
                assert out.logits is not None
                centred = fmap[0] - head.input_mean[:channels, None, None]
                cam = out.attention[0] * torch.einsum("c,chw->hw", weights[int(out.logits[0].argmax())], centred)
            hits += peak_on(cam.numpy(), box, size=scene.width)
    return hits


def sanity_checks(predictor: Predictor) -> str:
    """The heat map's pointing game and model-randomisation check, in words (docs/model.md quotes them)."""
    hits = pointing_game(predictor)
    trials = 15 * len(OBJECTS)
    photos = list(heat_scenes().values())
    trained, random = randomised_head_maps(predictor, photos)
    correlations = [rank_correlation(a, b) for a, b in zip(trained, random, strict=True)]
    return (
        f"pointing game: peak on the object in {sum(hits.values())} of {trials} scenes "
        f"({sum(hits.values()) / trials:.0%}; per object {hits})\n"
        f"randomised mood head: rank correlation with the trained head's map, mean {np.mean(correlations):.2f} "
        f"(per scene {', '.join(f'{c:.2f}' for c in correlations)})\n"
        f"the genre look's own class-activation map (not served): peak on the object in "
        f"{look_map_pointing(predictor)} of {trials} scenes"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Write the heat-map sheet and print the mood table."""
    parser = argparse.ArgumentParser(prog="python -m research.model_figures")
    parser.add_argument("--model", default=str(DEFAULT_MODEL_PATH))
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "img" / "model")
    args = parser.parse_args(argv)
    predictor = Predictor.load(args.model, device="cpu")
    args.out.mkdir(parents=True, exist_ok=True)
    heat_sheet(predictor).save(args.out / "heat-maps.png", optimize=True)
    print(mood_table(predictor))
    print(sanity_checks(predictor))
    return 0


if __name__ == "__main__":
    sys.exit(main())
