"""`pressedplay mood fit`: give a genre-look checkpoint its mood head and the feature mapping, from rated photos.

Steps: read the affect photos (Emotion6's dev half: file, valence, arousal on 1-9), run the backbone once over them
(cached per model version), cross-validate the ridge mood head (its strength chosen inside each training fold, so
the reported numbers are out of sample), fit it on every photo, take the out-of-fold predictions as the reference
distribution the feature mapping ranks new photos against, and the catalog's per-feature quantiles as the
distribution it maps them onto, and calibrate the spread of the mapping's blends on those same out-of-fold
predictions (feature_mapping step 4). Nothing here reads the held-back half of the affect photos.

The cross-validation is one loop (`cross_predict`) over any `Learner`, so research/mood_heads.py scores other heads
by exactly the folds and inner choices used here.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
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
from services.inference.model.mood_head import MOOD_DIMENSIONS, MoodHead, ridge_fit, ridge_path, ridge_predict
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


def choose_alpha(
    features: np.ndarray,
    target: np.ndarray,
    *,
    seed: int = 0,
    scale: np.ndarray | None = None,
    groups: np.ndarray | None = None,
) -> float:
    """The ridge strength with the best cross-validated Spearman on these rows alone (the mean over the target's
    columns when it has several). `groups` (a photo number per row, for rows that are views of one photo) keeps a
    photo's rows in one fold; `scale` is `ridge_path`'s per-input penalty scale."""
    target2 = np.asarray(target).reshape(len(target), -1)
    ids = (
        fold_ids(len(target2), seed=seed + 1)
        if groups is None
        else fold_ids(int(groups.max()) + 1, seed=seed + 1)[groups]
    )
    pred = np.empty((len(ALPHAS), *target2.shape))
    for k in range(FOLDS):
        held = ids == k
        for i, model in enumerate(ridge_path(features[~held], target2[~held], alphas=ALPHAS, scale=scale)):
            pred[i, held] = ridge_predict(model, features[held])
    scores = [np.mean([spearman(p[:, c], target2[:, c]) for c in range(target2.shape[1])]) for p in pred]
    return ALPHAS[int(np.argmax(scores))]  # the first best, as a strict > over ALPHAS in order would pick


# A way to fit a head: (training rows' inputs, their targets (m, k)) -> predict: inputs -> (n, k) predictions.
Learner = Callable[[np.ndarray, np.ndarray], Callable[[np.ndarray], np.ndarray]]


def ridge_learner(*, seed: int = 0, scale: np.ndarray | None = None) -> Learner:
    """Today's mood head: per target column, ridge at the strength `choose_alpha` picks on the training rows."""

    def learn(features: np.ndarray, targets: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        models = [
            ridge_fit(features, targets[:, d], alpha=choose_alpha(features, targets[:, d], seed=seed, scale=scale),
                      scale=scale)
            for d in range(targets.shape[1])
        ]  # fmt: skip
        return lambda rows: np.hstack([ridge_predict(model, rows) for model in models])

    return learn


def cross_predict(inputs: np.ndarray, targets: np.ndarray, learner: Learner, *, seed: int = 0) -> np.ndarray:
    """(n, k) predictions, each row's from `learner` fitted without its fold (FOLDS folds shuffled by `seed`).
    `inputs` has one row per photo and may carry more than the head reads (views, auxiliary targets): the learner
    decides what it uses."""
    folds = fold_ids(len(targets), seed=seed)
    pred = np.empty(targets.shape, dtype=np.float64)
    for k in range(FOLDS):
        held = folds == k
        pred[held] = learner(inputs[~held], targets[~held])(inputs[held])
    return pred


def out_of_fold(
    features: np.ndarray, ratings: np.ndarray, *, seed: int = 0, learner: Learner | None = None
) -> np.ndarray:
    """(n, 2) predictions, each from a head fitted without its fold, its strength chosen inside that fold (nested),
    clipped to the ratings' scale. Default learner: today's ridge head."""
    pred = cross_predict(features, ratings, learner or ridge_learner(seed=seed), seed=seed)
    clipped: np.ndarray = np.clip(pred, 1.0, 9.0).astype(np.float32)
    return clipped


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
    calibrate_spread: bool = False,
) -> tuple[Checkpoint, np.ndarray]:
    """A new checkpoint = `base` + mood head + feature mapping, and the (n, 2) out-of-fold mood predictions.

    `calibrate_spread` adds the mapping's step 4 (served blends re-ranked among the reference photos', so energy spans
    the catalog). Off by default: read side by side, it makes a wrong arousal reading a loud one, and arousal is read
    weakly (docs/model.md "The spread, calibrated")."""
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
    if calibrate_spread:  # on the same out-of-fold mood the percentiles rank against (feature_mapping step 4)
        mapping = mapping.calibrated(affect.look_mixture, oof)
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
