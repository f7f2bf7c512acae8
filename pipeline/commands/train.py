"""`pressedplay train`: train seed-cnn or effnet-vae, evaluate it on the held-out split, write the checkpoint."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `train` command."""
    parser = subparsers.add_parser(
        "train",
        help="train the image model (CPU/GPU; works under torchrun and as a SageMaker job)",
        description="Train on the dataset's Parquet shards. Without --data it uses $SM_CHANNEL_TRAIN, else "
        "var/dataset, building it from ../shared first if it is missing.",
    )
    parser.add_argument("--arch", choices=["effnet-vae", "seed-cnn"], default="effnet-vae")
    parser.add_argument("--data", type=Path, default=None, help="Parquet shard folder or file")
    parser.add_argument("--out", type=Path, default=None, help="run folder (default $SM_MODEL_DIR or var/train/ARCH)")
    parser.add_argument("--export", type=Path, default=None, help="also copy the final checkpoint here")
    parser.add_argument("--epochs", type=int, default=None, help="default 40 (effnet-vae) or 3 (seed-cnn)")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--weight-decay", type=float, default=None,
                        help="AdamW weight decay (default 1.0 for effnet-vae's genre head, else 1e-4)")  # fmt: skip
    parser.add_argument("--beta", type=float, default=1e-4, help="KL weight")
    parser.add_argument("--dropout", type=float, default=0.5, help="dropout on the attended features (effnet-vae)")
    parser.add_argument("--patience", type=int, default=8, help="epochs without validation improvement to stop")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-release", type=int, nargs=3, default=None, metavar=("TRAIN", "VAL", "TEST"),
                        help="distorted copies per release to use per split (0 = all)")  # fmt: skip
    parser.add_argument("--target", choices=["genre-mean", "release-mean", "pair"], default="genre-mean",
                        help="regression target: genre pool mean (default), release mean, or each pair")  # fmt: skip
    parser.add_argument("--head", choices=["genre", "linear"], default="genre",
                        help="effnet-vae decoder: genre posterior -> centroids (default), or linear")  # fmt: skip
    parser.add_argument("--genre-weight", type=float, default=2.0, help="lambda of the genre cross-entropy term")
    parser.add_argument("--pool-std", action="store_true", help="also pool the attention-weighted channel spread")
    parser.add_argument("--no-colour-inputs", action="store_true", help="do not feed colour statistics to the head")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/train-state.pt")
    parser.add_argument("--device", default=None, help="cpu, cuda, cuda:1 ... (default: cuda if present)")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    parser.add_argument("--no-cache", action="store_true", help="re-encode the images instead of using var/cache")
    parser.add_argument("--no-progress", action="store_true")
    parser.set_defaults(func=_train)


def _train(args: argparse.Namespace) -> int:
    import json
    import shutil

    from pipeline.training.report import evaluate_and_record
    from pipeline.training.train import TrainConfig, sagemaker_defaults, train
    from shared.paths import REPO_ROOT

    sagemaker = sagemaker_defaults()
    data = args.data or sagemaker.get("data") or _default_dataset(progress=not args.no_progress)
    out = args.out or sagemaker.get("out") or REPO_ROOT / "var" / "train" / args.arch
    effnet = args.arch == "effnet-vae"
    config = TrainConfig(
        architecture=args.arch,
        data=data,
        out=out,
        epochs=args.epochs or (40 if effnet else 3),
        batch_size=args.batch_size or (128 if effnet else 64),
        lr=args.lr or (3e-4 if effnet and args.head == "genre" else 3e-3 if effnet else 3e-4),
        weight_decay=_weight_decay(args),
        beta=args.beta,
        patience=args.patience,
        seed=args.seed,
        per_release=dict(zip(("train", "val", "test"), args.per_release, strict=True)) if args.per_release else {},
        target=args.target,
        dropout=args.dropout,
        head=args.head,
        genre_weight=args.genre_weight,
        pool_std=args.pool_std,
        colour_inputs=not args.no_colour_inputs,
        resume=args.resume,
        device=args.device,
        threads=args.threads,
        cache_dir=None if args.no_cache else TrainConfig.cache_dir,
        progress=not args.no_progress,
    )
    result = train(config)
    if not result.is_main:  # a non-zero rank under torchrun: rank 0 writes and reports
        return 0
    report = evaluate_and_record(result, out=out, device=args.device)
    if args.export:
        args.export.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(result.model_path, args.export)
    print(json.dumps({"model": str(result.model_path), "version": result.checkpoint.version,
                      "best_epoch": result.best_epoch, **report}, indent=2))  # fmt: skip
    return 0


def _weight_decay(args: argparse.Namespace) -> float:
    """The asked decay, else 1.0 for the genre head (on validation it overfits by epoch 3 at 1e-4), else 1e-4."""
    if args.weight_decay is not None:
        return float(args.weight_decay)
    return 1.0 if args.arch == "effnet-vae" and args.head == "genre" else 1e-4


def _default_dataset(*, progress: bool) -> Path:
    """var/dataset, built from ../shared first if it has no shards (the one-command reproduction)."""
    from pipeline.data.dataset import DEFAULT_OUT_DIR, build_dataset
    from shared.paths import shared_data_dir

    if any(DEFAULT_OUT_DIR.rglob("*.parquet")):
        return DEFAULT_OUT_DIR
    build_dataset(covers_dir=shared_data_dir() / "covers", out_dir=DEFAULT_OUT_DIR, progress=progress)
    return DEFAULT_OUT_DIR
