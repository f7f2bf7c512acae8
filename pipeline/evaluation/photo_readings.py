"""A folder of photos read by a model: the features it serves for each, and people's valence where rated.

Used by `pressedplay audit playlists`. Readings are cached per model version and folder content (var/cache/audit),
so a second audit of the same photos costs no model time. A photo that cannot be decoded is left out and named.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from pipeline.data_errors import DatasetError
from shared.paths import REPO_ROOT

DEFAULT_CACHE: Final = REPO_ROOT / "var" / "cache" / "audit"
IMAGE_SUFFIXES: Final = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"})
BATCH: Final = 32
log = logging.getLogger("pressedplay.audit")


@dataclass(frozen=True)
class PhotoReadings:
    """Row-aligned: each photo's path (relative to the folder), its first folder (a stratum), raw features (n, 8),
    and people's valence on 1-9 where the folder's ratings.csv has it (NaN otherwise)."""

    files: np.ndarray
    folders: np.ndarray
    features: np.ndarray
    human_valence: np.ndarray
    model_version: str
    unreadable: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.files.shape[0])


def photo_files(root: Path) -> list[Path]:
    """Every image file under root (by suffix), sorted; raises DatasetError when there is none."""
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder of photos")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DatasetError(f"{root} holds no photos ({', '.join(sorted(IMAGE_SUFFIXES))})")
    return files


def read_photos(root: Path, *, model: str | Path, cache_dir: Path | None = DEFAULT_CACHE) -> PhotoReadings:
    """Predict every photo under root (cached), with people's valence from root/ratings.csv when present."""
    from services.inference.model.predictor import Predictor

    files = photo_files(root)
    predictor = Predictor.load(model)
    digest = hashlib.sha256("\n".join(f"{p.relative_to(root)}:{p.stat().st_size}" for p in files).encode()).hexdigest()[
        :16
    ]
    cache = (cache_dir / f"{predictor.version}-{digest}.npz") if cache_dir is not None else None
    if cache is not None and cache.is_file():
        stored = np.load(cache, allow_pickle=False)
        names, features, unreadable = stored["files"], stored["features"], tuple(stored["unreadable"].tolist())
    else:
        names, features, unreadable = _predict(predictor, root, files)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache, files=names, features=features, unreadable=np.array(unreadable, dtype=str))
    return PhotoReadings(
        files=names,
        folders=np.array([_folder(str(name)) for name in names]),
        features=features,
        human_valence=_human_valence(root, names),
        model_version=predictor.version,
        unreadable=unreadable,
    )


def _predict(predictor: object, root: Path, files: list[Path]) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    from services.inference.model.image_io import decode_image
    from services.inference.model.predictor import Predictor
    from shared.errors import ServiceError

    assert isinstance(predictor, Predictor)
    names: list[str] = []
    rows: list[np.ndarray] = []
    unreadable: list[str] = []
    for start in range(0, len(files), BATCH):
        images, batch_names = [], []
        for path in files[start : start + BATCH]:
            try:
                images.append(decode_image(path.read_bytes()))
                batch_names.append(str(path.relative_to(root)))
            except (OSError, ServiceError) as exc:
                unreadable.append(f"{path.relative_to(root)}: {exc}")
        for name, prediction in zip(batch_names, predictor.predict(images), strict=True):
            names.append(name)
            rows.append(prediction.features.to_vector())
    if not rows:
        raise DatasetError(f"none of the {len(files)} photos under {root} could be read")
    return np.array(names), np.stack(rows).astype(np.float32), tuple(unreadable)


def _human_valence(root: Path, names: np.ndarray) -> np.ndarray:
    path = root / "ratings.csv"
    if not path.is_file():
        return np.full(names.shape[0], np.nan)
    frame = pd.read_csv(path)
    if not {"file", "valence"} <= set(frame.columns):
        return np.full(names.shape[0], np.nan)
    valence = dict(zip(frame["file"].astype(str), frame["valence"].astype(float), strict=True))
    # ratings.csv names files relative to the images/ folder in the affect set layout.
    return np.array([valence.get(_rated_name(str(n)), np.nan) for n in names], dtype=np.float64)


def _folder(name: str) -> str:
    parts = Path(_rated_name(name)).parts
    return parts[0] if len(parts) > 1 else ""


def _rated_name(name: str) -> str:
    parts = Path(name).parts
    return str(Path(*parts[1:])) if parts and parts[0] == "images" else name


def sample_rows(readings: PhotoReadings, count: int, *, seed: int = 0) -> np.ndarray:
    """`count` photo rows spread evenly over the folders (seeded), so every kind of photo is represented."""
    rng = np.random.default_rng(seed)
    names = sorted(set(readings.folders.tolist()))
    per = -(-count // max(len(names), 1))
    rows = [rng.permutation(np.flatnonzero(readings.folders == name))[:per] for name in names]
    chosen = rng.permutation(np.concatenate(rows))[:count]
    return np.sort(chosen)
