"""Training examples from the Parquet shards: decoded once, encoded once, cached on disk.

With a frozen backbone the expensive part of training is running EfficientNet-Lite0; it is run once per distorted
image and its 7x7x1280 map is cached (float16), so the head can train for many epochs in seconds. seed-cnn trains
end to end, so its cache holds the 128x128 images themselves (uint8).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import torch
from PIL import Image

from pipeline.data.covers import SPLITS
from services.inference.model.architectures import EFFNET_VAE, EffnetVAE, SeedCNN
from services.inference.model.transforms import ImageTransform, colour_stats
from shared.errors import InvalidInput
from shared.features import N_FEATURES, normalise

log = logging.getLogger("pressedplay.train")

REQUIRED_COLUMNS: Final = ("cover", "features", "genre", "release_id", "split", "track_id")
CACHE_VERSION: Final = 1


class InvalidDataset(InvalidInput):
    """Training data that is missing, in the wrong schema, or split in a way that leaks releases."""


def shard_files(data: Path) -> list[Path]:
    """Every .parquet file under `data` (or `data` itself), sorted; raises InvalidDataset if there are none."""
    if data.is_file():
        return [data]
    files = sorted(data.rglob("*.parquet")) if data.is_dir() else []
    if not files:
        raise InvalidDataset(f"no .parquet shards under {data}; build them with `pressedplay dataset build`")
    return files


def read_rows(files: list[Path]) -> pd.DataFrame:
    """The shards' rows with the columns training needs; raises InvalidDataset naming missing columns."""
    frames = []
    for path in files:
        frame = pd.read_parquet(path)
        missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
        if missing:
            raise InvalidDataset(f"{path.name} lacks column(s) {', '.join(missing)} (see docs/architecture.md)")
        frames.append(frame[list(REQUIRED_COLUMNS)])
    rows = pd.concat(frames, ignore_index=True)
    unknown = sorted(set(rows["split"]) - set(SPLITS))
    if unknown:
        raise InvalidDataset(f"unknown split value(s) {unknown}; expected {', '.join(SPLITS)}")
    check_release_split(rows)
    return rows


def check_release_split(rows: pd.DataFrame) -> None:
    """Raise InvalidDataset if any release id appears in more than one split (its covers would leak)."""
    per_release = rows.groupby("release_id")["split"].nunique()
    leaking = per_release[per_release > 1]
    if len(leaking):
        raise InvalidDataset(f"{len(leaking)} release id(s) appear in several splits, e.g. {leaking.index[0]!r}")


def subsample(rows: pd.DataFrame, *, per_release: int, seed: int) -> pd.DataFrame:
    """At most `per_release` rows of each release (all of them when per_release < 1), chosen reproducibly."""
    if per_release < 1:
        return rows.reset_index(drop=True)
    shuffled = rows.sample(frac=1.0, random_state=seed)
    return shuffled.groupby("release_id", sort=False).head(per_release).sort_index().reset_index(drop=True)


@dataclass
class Examples:
    """Aligned arrays for one split: encoder inputs, colour stats, normalised targets, labels."""

    inputs: torch.Tensor
    stats: np.ndarray
    targets: np.ndarray
    genres: np.ndarray
    release_ids: np.ndarray

    def __len__(self) -> int:
        return len(self.targets)

    def release_mean_targets(self) -> np.ndarray:
        """Each example's target replaced by the mean target of its release (less noise, same expectation)."""
        frame = pd.DataFrame(self.targets)
        return frame.groupby(self.release_ids).transform("mean").to_numpy(dtype=np.float32)

    def genre_mean_targets(self) -> np.ndarray:
        """Each example's target replaced by the mean target of its genre in this split.

        The dataset pairs a cover with tracks drawn at random from its genre's pool, so beyond the genre a track's
        features say nothing about the cover: the pool mean is the same regression optimum with no pairing noise.
        """
        frame = pd.DataFrame(self.targets)
        return frame.groupby(self.genres.astype(str)).transform("mean").to_numpy(dtype=np.float32)


def _decode(blob: bytes) -> Image.Image:
    with Image.open(io.BytesIO(blob)) as image:
        return image.convert("RGB")


def encode_images(
    blobs: list[bytes],
    *,
    model: SeedCNN | EffnetVAE,
    transform: ImageTransform,
    batch_size: int = 64,
    progress: bool = True,
) -> tuple[torch.Tensor, np.ndarray]:
    """JPEG bytes -> (encoder inputs to cache, (n, 3) colour stats)."""
    from tqdm import tqdm

    frozen = isinstance(model, EffnetVAE)
    chunks: list[torch.Tensor] = []
    stats: list[np.ndarray] = []
    for start in tqdm(range(0, len(blobs), batch_size), desc="encode", unit="batch", disable=not progress):
        images = [_decode(blob) for blob in blobs[start : start + batch_size]]
        stats.extend(colour_stats(image).as_array() for image in images)
        batch = transform.batch(images)
        if frozen:
            with torch.inference_mode():
                chunks.append(model.features(batch.contiguous(memory_format=torch.channels_last)).half())
        else:
            # Kept as the resized uint8 pixels; the normalisation is applied per batch while training.
            pixels = np.stack([transform.pixels(image) for image in images])
            chunks.append(torch.from_numpy(pixels.transpose(0, 3, 1, 2).copy()))
    return torch.cat(chunks), np.stack(stats).astype(np.float32)


def examples_from_rows(
    rows: pd.DataFrame, *, model: SeedCNN | EffnetVAE, transform: ImageTransform, progress: bool = True
) -> Examples:
    """Encode the rows of one split."""
    if rows.empty:
        shape = (0, 3, transform.size, transform.size)
        return Examples(torch.zeros(shape), np.zeros((0, 3), np.float32), np.zeros((0, N_FEATURES), np.float32),
                        np.array([], dtype=object), np.array([], dtype=object))  # fmt: skip
    inputs, stats = encode_images(list(rows["cover"]), model=model, transform=transform, progress=progress)
    raw = np.stack([np.asarray(v, dtype=np.float32) for v in rows["features"]])
    if raw.shape[1] != N_FEATURES:
        raise InvalidDataset(f"features must hold {N_FEATURES} values per row, found {raw.shape[1]}")
    return Examples(
        inputs=inputs,
        stats=stats,
        targets=normalise(raw),
        genres=rows["genre"].to_numpy(dtype=object),
        release_ids=rows["release_id"].astype(str).to_numpy(dtype=object),
    )


def encoder_digest(model: SeedCNN | EffnetVAE) -> str:
    """A digest of the weights that make the cached inputs: effnet-vae's backbone (a fine-tuned one encodes
    differently from its parent, and a cache keyed without it served one model's maps to another); empty for
    seed-cnn, whose cache holds pixels."""
    if not isinstance(model, EffnetVAE):
        return ""
    digest = hashlib.blake2b(digest_size=8)
    for name, tensor in sorted(model.backbone.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def cache_key(
    files: list[Path], *, architecture: str, per_release: dict[str, int], seed: int, encoder: str = ""
) -> str:
    """A digest of the shard files (name, size, mtime), the encoding settings and the encoder's weights."""
    parts = [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files]
    settings = json.dumps(
        {"a": architecture, "k": per_release, "s": seed, "v": CACHE_VERSION, "e": encoder}, sort_keys=True
    )
    return hashlib.sha256("\n".join([*parts, settings]).encode()).hexdigest()[:16]


def load_examples(
    data: Path,
    *,
    model: SeedCNN | EffnetVAE,
    transform: ImageTransform,
    architecture: str,
    per_release: dict[str, int],
    seed: int,
    cache_dir: Path | None,
    progress: bool = True,
) -> dict[str, Examples]:
    """Examples for every split, from `cache_dir` when the same shards were encoded before."""
    files = shard_files(data)
    cache_path = None
    if cache_dir is not None:
        key = cache_key(
            files, architecture=architecture, per_release=per_release, seed=seed, encoder=encoder_digest(model)
        )
        cache_path = cache_dir / f"{architecture}-{key}.pt"
        if cache_path.is_file():
            log.info("train.cache_hit", extra={"path": str(cache_path)})
            stored = torch.load(cache_path, weights_only=False)
            return {split: Examples(**fields) for split, fields in stored.items()}
    rows = read_rows(files)
    out = {}
    for split in SPLITS:
        chosen = subsample(rows[rows["split"] == split], per_release=per_release.get(split, 0), seed=seed)
        log.info("train.encode", extra={"split": split, "rows": len(chosen), "architecture": architecture})
        out[split] = examples_from_rows(chosen, model=model, transform=transform, progress=progress)
    if cache_path is not None:
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        temp = cache_path.with_suffix(".tmp")
        torch.save({split: vars(ex) for split, ex in out.items()}, temp)
        temp.replace(cache_path)
    return out


def default_per_release(architecture: str) -> dict[str, int]:
    """How many distorted copies of each release to encode: the backbone's cost sets effnet-vae's budget."""
    if architecture == EFFNET_VAE:
        return {"train": 2, "val": 1, "test": 1}
    return {"train": 0, "val": 1, "test": 1}
