"""`pressedplay evaluate MODEL`: held-out metrics for a checkpoint (local path or s3://)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `evaluate` command."""
    parser = subparsers.add_parser(
        "evaluate",
        help="per-feature MAE / R^2 and nearest-centroid genre accuracy on the held-out split",
    )
    parser.add_argument("model", help="checkpoint path or s3:// URI")
    parser.add_argument("--data", type=Path, default=None, help="Parquet shards (default var/dataset)")
    parser.add_argument("--out", type=Path, default=None, help="write metrics.json and confusion.png here")
    parser.add_argument("--per-release", type=int, nargs=3, default=None, metavar=("TRAIN", "VAL", "TEST"))
    parser.add_argument("--seed", type=int, default=0, help="the training run's seed (picks the same copies)")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--split", choices=["test", "val"], default="test",
                        help="score the held-out test split (default) or the validation split")  # fmt: skip
    parser.add_argument("--cache-dir", type=Path, default=None, help="encoded-input cache (default var/cache/...)")
    parser.add_argument("--device", default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.set_defaults(func=_evaluate)


def _evaluate(args: argparse.Namespace) -> int:
    import json

    import torch

    from pipeline.data.dataset import DEFAULT_OUT_DIR
    from pipeline.data.examples import default_per_release, load_examples
    from pipeline.evaluation.evaluate import evaluate, plot_confusion, render_table
    from pipeline.training.train import DEFAULT_CACHE
    from services.inference.model.predictor import Predictor

    torch.set_num_threads(args.threads)
    predictor = Predictor.load(args.model, device=args.device, backend="eager")  # scores cached maps
    architecture = predictor.architecture
    per_release = default_per_release(architecture)
    if args.per_release:
        per_release = dict(zip(("train", "val", "test"), args.per_release, strict=True))
    examples = load_examples(
        args.data or DEFAULT_OUT_DIR,
        model=predictor.model,
        transform=predictor.checkpoint.transform,
        architecture=architecture,
        per_release=per_release,
        seed=args.seed,
        cache_dir=args.cache_dir or DEFAULT_CACHE,
    )
    scored = {"train": examples["train"], "test": examples[args.split]}
    report = evaluate(predictor, scored)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "metrics.json").write_text(json.dumps(report.to_dict(), indent=2) + "\n")
        plot_confusion(report, args.out / "confusion.png")
    print(json.dumps(report.to_dict(), indent=2) if args.json else render_table(report))
    return 0
