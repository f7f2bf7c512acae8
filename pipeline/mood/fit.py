"""`pressedplay mood fit`: give a genre-look checkpoint its mood head and the feature mapping, from rated photos.

Steps: read the affect photos (Emotion6's dev half: file, valence, arousal on 1-9), run the backbone once over them
(cached per model version), cross-validate the ridge mood head (its strength chosen inside each training fold, so
the reported numbers are out of sample), fit it on every photo, take the out-of-fold predictions as the reference
distribution the feature mapping ranks new photos against, and the catalog's per-feature quantiles as the
distribution it maps them onto. Nothing here reads the held-back half of the affect photos.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from PIL import Image

from pipeline.data_errors import DatasetError
from pipeline.resumable import ChunkStore, PassLog
from services.inference.model.architectures import EffnetVAE
from services.inference.model.checkpoint import Checkpoint, stamp_version
from services.inference.model.feature_mapping import FeatureMapping, quantile_table
from services.inference.model.image_io import decode_image
from services.inference.model.mood_head import MOOD_DIMENSIONS, MoodHead, ridge_fit, ridge_predict
from services.inference.model.predictor import Predictor
from services.inference.model.transforms import colour_stats
from services.playlist.recommend.catalog import load_catalog
from shared.paths import REPO_ROOT

DEFAULT_CACHE = REPO_ROOT / "var" / "cache" / "affect"
ALPHAS = tuple(float(a) for a in np.logspace(1, 5, 9))  # ridge strengths tried, 10 .. 100,000
FOLDS = 5
BATCH = 32
RATINGS_COLUMNS = ("file", "valence", "arousal")


@dataclass(frozen=True)
class AffectSet:
    """Rated photos through one backbone pass: pooled stage outputs, genre-look mixtures and posteriors, ratings."""

    files: np.ndarray  # (n,) relative paths
    folders: np.ndarray  # (n,) emotion folder (stratum, not a target)
    stages: np.ndarray  # (n, 2064)
    look_mixture: np.ndarray  # (n, 8) genre-look mixture of the centroids, normalised units
    look: np.ndarray  # (n, g) genre-look posterior
    colour: np.ndarray  # (n, 3) brightness, saturation, warmth
    ratings: np.ndarray  # (n, 2) human valence, arousal (1-9)


def read_ratings(root: Path) -> pd.DataFrame:
    """`ratings.csv` of an affect folder; raises DatasetError naming what is missing or out of range."""
    path = root / "ratings.csv"
    if not path.is_file():
        raise DatasetError(f"{root} has no ratings.csv (columns: {', '.join(RATINGS_COLUMNS)})")
    frame = pd.read_csv(path)
    missing = [c for c in RATINGS_COLUMNS if c not in frame.columns]
    if missing:
        raise DatasetError(f"{path} lacks column(s) {', '.join(missing)}")
    values = frame[list(MOOD_DIMENSIONS)].to_numpy(dtype=float)
    if not np.isfinite(values).all() or (values < 1).any() or (values > 9).any():
        raise DatasetError(f"{path}: valence and arousal must be numbers on the 1-9 scale")
    if len(frame) < 2 * FOLDS:
        raise DatasetError(f"{path} has {len(frame)} rated photos; need at least {2 * FOLDS} to cross-validate")
    if "folder" not in frame.columns:
        frame["folder"] = ""
    return frame


def extract(predictor: Predictor, root: Path, *, cache_dir: Path | None = DEFAULT_CACHE) -> AffectSet:
    """Run the backbone and genre-look head over every rated photo (cached by model version and file list). With
    a cache, each batch is kept as it finishes, so a pass stopped part-way (a few minutes on the CPU for Emotion6's
    dev half) continues from the batch it was in when run again."""
    frame = read_ratings(root)
    cache = None
    if cache_dir is not None:
        key = hashlib.sha256("\n".join(frame["file"]).encode()).hexdigest()[:10]
        cache = cache_dir / f"{predictor.version}-{len(frame)}-{key}.npz"
        if cache.is_file():
            data = np.load(cache, allow_pickle=False)
            return AffectSet(**{f.name: data[f.name] for f in dataclasses.fields(AffectSet)})
    model = predictor.model
    if not isinstance(model, EffnetVAE) or not model.head.config.genre_decoder:
        raise DatasetError("the mood head needs an effnet-vae checkpoint with a genre-look head")
    store = ChunkStore(None if cache is None else cache.with_suffix(".part"))
    watch = PassLog("backbone pass over the rated photos", len(frame))
    chunks = []
    for start in range(0, len(frame), BATCH):
        files = frame["file"].iloc[start : start + BATCH]
        kept = store.load(start)
        chunk = kept or _batch_outputs(predictor, model, [_open(root / "images" / name) for name in files])
        if kept is None:
            store.save(start, chunk)
        watch.chunk_done(start + len(files), computed=0 if kept else len(files))
        chunks.append(chunk)
    affect = AffectSet(
        files=frame["file"].to_numpy(dtype=str),
        folders=frame["folder"].astype(str).to_numpy(dtype=str),
        ratings=frame[list(MOOD_DIMENSIONS)].to_numpy(dtype=np.float32),
        **{name: np.concatenate([c[name] for c in chunks]) for name in chunks[0]},
    )
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, **dataclasses.asdict(affect))
        store.clear()
    return affect


def _batch_outputs(predictor: Predictor, model: EffnetVAE, images: list[Image.Image]) -> dict[str, np.ndarray]:
    """One batch of photos through the backbone and the genre-look head: the arrays an AffectSet holds per photo."""
    batch = predictor.checkpoint.transform.batch(images).to(predictor.device)
    colour = np.stack([colour_stats(image).as_array() for image in images])
    with torch.inference_mode():
        fmaps, stages = model.backbone.forward_with_stages(batch)
        out = model.head(fmaps, stats=torch.from_numpy(colour).to(predictor.device))
        assert out.logits is not None  # a genre-decoder head always has logits
        look = torch.softmax(out.logits.float(), dim=-1)
        mixture = (look @ model.head.centroids.float()).cpu().numpy()
    return {
        "stages": stages.float().cpu().numpy(),
        "look_mixture": mixture,
        "look": look.cpu().numpy(),
        "colour": colour,
    }


def _open(path: Path) -> Image.Image:
    try:
        return decode_image(path.read_bytes())
    except FileNotFoundError as exc:
        raise DatasetError(f"rated photo {path} is missing") from exc


def fold_ids(n: int, *, folds: int = FOLDS, seed: int = 0) -> np.ndarray:
    """A fold number per row, shuffled by `seed`."""
    return np.random.default_rng(seed).permutation(np.arange(n) % folds)


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    ra, rb = pd.Series(a).rank().to_numpy(), pd.Series(b).rank().to_numpy()
    return float(np.corrcoef(ra, rb)[0, 1])


def choose_alpha(features: np.ndarray, target: np.ndarray, *, seed: int = 0) -> float:
    """The ridge strength with the best cross-validated Spearman on these rows alone."""
    folds = fold_ids(len(target), seed=seed + 1)
    best, best_alpha = -np.inf, ALPHAS[0]
    for alpha in ALPHAS:
        pred = np.empty(len(target))
        for k in range(FOLDS):
            held = folds == k
            model = ridge_fit(features[~held], target[~held], alpha=alpha)
            pred[held] = ridge_predict(model, features[held])[:, 0]
        rho = spearman(pred, target)
        if rho > best:
            best, best_alpha = rho, alpha
    return best_alpha


def out_of_fold(features: np.ndarray, ratings: np.ndarray, *, seed: int = 0) -> np.ndarray:
    """(n, 2) predictions, each from a ridge fitted without its fold, strength chosen inside that fold (nested)."""
    folds = fold_ids(len(ratings), seed=seed)
    pred = np.empty(ratings.shape, dtype=np.float32)
    for k in range(FOLDS):
        held = folds == k
        for d in range(ratings.shape[1]):
            alpha = choose_alpha(features[~held], ratings[~held, d], seed=seed)
            model = ridge_fit(features[~held], ratings[~held, d], alpha=alpha)
            pred[held, d] = ridge_predict(model, features[held])[:, 0]
    return np.clip(pred, 1.0, 9.0)


def catalog_quantiles(catalog_path: Path | None = None) -> np.ndarray:
    """(8, levels) quantiles of the catalog's normalised features."""
    return quantile_table(load_catalog(catalog_path).normalised)


def fit_mood(
    base: Checkpoint,
    affect: AffectSet,
    *,
    catalog_path: Path | None = None,
    source: str = "",
    seed: int = 0,
) -> tuple[Checkpoint, np.ndarray]:
    """A new checkpoint = `base` + mood head + feature mapping, and the (n, 2) out-of-fold mood predictions."""
    oof = out_of_fold(affect.stages, affect.ratings, seed=seed)
    head = MoodHead()
    alphas = [choose_alpha(affect.stages, affect.ratings[:, d], seed=seed) for d in range(2)]
    per_target = [ridge_fit(affect.stages, affect.ratings[:, d], alpha=alphas[d]) for d in range(2)]
    # Both columns were standardised by the same statistics, so the two fits stack into one linear layer.
    stacked = (
        np.concatenate([m[0] for m in per_target], axis=1),
        np.concatenate([m[1] for m in per_target]),
        per_target[0][2],
        per_target[0][3],
    )
    head.set_ridge(stacked)
    mapping = FeatureMapping(catalog_quantiles=catalog_quantiles(catalog_path), mood_quantiles=quantile_table(oof))
    cv = {
        f"{dim}_spearman": round(spearman(oof[:, d], affect.ratings[:, d]), 4) for d, dim in enumerate(MOOD_DIMENSIONS)
    }
    cv.update({f"{dim}_mae": round(float(np.abs(oof[:, d] - affect.ratings[:, d]).mean()), 4)
               for d, dim in enumerate(MOOD_DIMENSIONS)})  # fmt: skip
    fitted = Checkpoint(
        architecture=base.architecture,
        state_dict=base.state_dict,
        transform=base.transform,
        training={
            **base.training,
            "mood": {
                "photos": len(affect.ratings),
                "source": source,
                "alphas": dict(zip(MOOD_DIMENSIONS, alphas, strict=True)),
                "folds": FOLDS,
                "seed": seed,
                "parent": base.version,
            },
        },
        metrics={**base.metrics, "mood_cv": cv},
        head=base.head,
        mood_state=model_state_of(head),
        feature_mapping=mapping,
        backbone_state=base.backbone_state,
    )
    return stamp_version(fitted), oof


def model_state_of(head: MoodHead) -> dict[str, torch.Tensor]:
    """The mood head's tensors, detached, on the CPU."""
    return {key: value.detach().cpu().clone() for key, value in head.state_dict().items()}


def summary(checkpoint: Checkpoint) -> dict[str, Any]:
    """What `mood fit` prints: version, parent, cross-validated mood numbers."""
    return {
        "version": checkpoint.version,
        "parent": checkpoint.training.get("mood", {}).get("parent"),
        "mood_cv": checkpoint.metrics.get("mood_cv"),
    }
