"""A tiny synthetic training set in the dataset's Parquet schema: each genre has its own colour and sound."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image

GENRE_COLOURS = {"Country": (200, 150, 60), "Electronic": (40, 60, 220), "Rock": (30, 30, 30)}
# Raw-unit features per genre (AUDIO_FEATURES order): distinct enough that a model can learn them from colour.
GENRE_FEATURES = {
    "Country": [0.6, 0.55, 0.5, 0.01, 0.15, -8.0, 0.04, 0.65],
    "Electronic": [0.05, 0.7, 0.85, 0.6, 0.2, -5.0, 0.06, 0.4],
    "Rock": [0.1, 0.4, 0.9, 0.1, 0.25, -4.0, 0.08, 0.3],
}


def solid_jpeg(colour: tuple[int, int, int], *, rng: np.random.Generator, size: int = 64) -> bytes:
    """A noisy solid-colour JPEG."""
    pixels = np.clip(np.array(colour)[None, None, :] + rng.normal(0, 12, (size, size, 3)), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG")
    return buffer.getvalue()


def write_synthetic_shards(folder: Path, *, releases_per_genre: int = 4, pairs: int = 2, seed: int = 0) -> Path:
    """train/val/test shards with `releases_per_genre` releases per genre per split, `pairs` rows per release."""
    rng = np.random.default_rng(seed)
    for split in ("train", "val", "test"):
        rows: dict[str, list[object]] = {
            k: [] for k in ("cover", "features", "genre", "release_id", "split", "track_id")
        }
        for genre, colour in GENRE_COLOURS.items():
            for r in range(releases_per_genre):
                for p in range(pairs):
                    noisy = np.array(GENRE_FEATURES[genre]) + rng.normal(0, 0.02, 8)
                    noisy[5] = GENRE_FEATURES[genre][5]
                    rows["cover"].append(solid_jpeg(colour, rng=rng))
                    rows["features"].append(np.clip(noisy, [0, 0, 0, 0, 0, -60, 0, 0], [1, 1, 1, 1, 1, 0, 1, 1]))
                    rows["genre"].append(genre)
                    rows["release_id"].append(f"{split}-{genre}-{r}")
                    rows["split"].append(split)
                    rows["track_id"].append(f"t{p}")
        table = pa.table({**rows, "features": pa.array(rows["features"], type=pa.list_(pa.float32(), 8))})
        (folder / split).mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / split / "part-00000.parquet")
    return folder


def write_cover_folders(root: Path, *, per_genre: int = 10) -> Path:
    """`per_genre` releases per genre, one noisy solid-colour cover each, in genre folders named as the shared set's."""
    rng = np.random.default_rng(0)
    for index, (genre, colour) in enumerate(GENRE_COLOURS.items()):
        (root / genre).mkdir(parents=True, exist_ok=True)
        for i in range(per_genre):
            pixels = np.clip(np.array(colour) + rng.normal(0, 15, (40, 40, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(root / genre / f"R-{index}{i:03d}-cover.jpg")
    return root


def mood_scene(brightness: float, saturation: float, rng: np.random.Generator) -> Image.Image:
    """A noisy photo of one colour: `brightness` scales it, `saturation` takes green and blue out (redder)."""
    base = np.array([brightness, brightness * (1 - saturation), brightness * (1 - saturation)]) * 255
    return Image.fromarray(np.clip(base + rng.normal(0, 10, (48, 64, 3)), 0, 255).astype(np.uint8))


def write_rated_photos(root: Path, *, photos: int = 40) -> Path:
    """An affect folder (ratings.csv + images/): valence follows brightness, arousal how red (saturated) a photo is."""
    rng = np.random.default_rng(0)
    rows = ["file,folder,valence,arousal"]
    for i in range(photos):
        brightness, saturation = rng.uniform(0.1, 0.95), rng.uniform(0.0, 0.9)
        folder = "joy" if brightness > 0.5 else "sadness"
        (root / "images" / folder).mkdir(parents=True, exist_ok=True)
        mood_scene(brightness, saturation, rng).save(root / "images" / folder / f"{i}.jpg", quality=92)
        rows.append(f"{folder}/{i}.jpg,{folder},{1 + 8 * brightness:.2f},{1 + 8 * saturation:.2f}")
    (root / "ratings.csv").write_text("\n".join(rows) + "\n")
    return root


def random_checkpoint(path: Path, *, architecture: str = "effnet-vae", seed: int = 0) -> Path:
    """An untrained but valid checkpoint (a head without a mood) written to `path`."""
    import torch

    from services.inference.model.architectures import build_model
    from services.inference.model.checkpoint import Checkpoint, model_state, save_checkpoint, stamp_version
    from services.inference.model.transforms import effnet_transform, seed_cnn_transform

    torch.manual_seed(seed)
    model = build_model(architecture, pretrained=False)
    transform = effnet_transform() if architecture == "effnet-vae" else seed_cnn_transform()
    checkpoint = stamp_version(Checkpoint(architecture, model_state(model), transform))
    return save_checkpoint(checkpoint, path)


LOOK_GENRES = ("Country", "Electronic", "HipHop", "Pop", "Rock")


def mood_checkpoint(path: Path, *, seed: int = 0) -> Path:
    """An untrained but valid effnet-vae checkpoint with a genre-look head, a mood head and a feature mapping.

    The mood head reads only the first input (the stem's first channel mean) so a test can steer the mood with the
    photo; the catalog is a uniform stand-in.
    """
    import torch

    from services.inference.model.architectures import build_model
    from services.inference.model.checkpoint import Checkpoint, model_state, save_checkpoint, stamp_version
    from services.inference.model.feature_mapping import FeatureMapping, quantile_table
    from services.inference.model.genre_head import HeadConfig
    from services.inference.model.mood_head import MoodHead
    from services.inference.model.transforms import effnet_transform

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = build_model("effnet-vae", pretrained=False, head=HeadConfig(genres=LOOK_GENRES, colour_inputs=True))
    with torch.no_grad():
        model.head.centroids.copy_(torch.from_numpy(rng.uniform(0.2, 0.8, (len(LOOK_GENRES), 8)).astype(np.float32)))
    head = MoodHead()
    with torch.no_grad():
        head.linear.weight.normal_(0.0, 0.05)
        head.linear.bias.fill_(5.0)
    mapping = FeatureMapping(
        catalog_quantiles=quantile_table(rng.uniform(0, 1, (500, 8))),
        mood_quantiles=quantile_table(rng.uniform(2, 8, (200, 2))),
    )
    checkpoint = Checkpoint(
        "effnet-vae",
        model_state(model),
        effnet_transform(),
        head=model.head.config,
        mood_state={k: v.detach().clone() for k, v in head.state_dict().items()},
        feature_mapping=mapping,
    )
    return save_checkpoint(stamp_version(checkpoint), path)
