"""`pressedplay look finetune|pack`: the genre look with a fine-tuned backbone (a GPU job), and its data package."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `look` command group."""
    parser = subparsers.add_parser("look", help="fine-tune the backbone for the genre look (GPU), or pack its covers")
    actions = parser.add_subparsers(dest="look_command", metavar="ACTION")
    actions.required = True

    tune = actions.add_parser("finetune", help="fine-tune the whole backbone + genre-look head on the covers")
    tune.add_argument("--covers", type=Path, default=None, help="covers folder (default ../shared/data/covers)")
    tune.add_argument("--base", default="models/effnet-vae.pt", help="the checkpoint whose head starts the run")
    tune.add_argument("--out", type=Path, required=True, help="where to write the fine-tuned checkpoint")
    tune.add_argument("--epochs", type=int, default=15)
    tune.add_argument("--batch-size", type=int, default=128)
    tune.add_argument("--image-size", type=int, default=224)
    tune.add_argument("--seed", type=int, default=0, help="the dataset's split seed and the run's (default 0)")
    tune.add_argument("--device", default=None, help="default: cuda when present, else cpu (slow: hours)")
    tune.set_defaults(func=_finetune)

    pack = actions.add_parser("pack", help="covers squashed to 224 px WebP + index.csv, to send to a GPU machine")
    pack.add_argument("--covers", type=Path, default=None, help="covers folder (default ../shared/data/covers)")
    pack.add_argument("--out", type=Path, required=True)
    pack.set_defaults(func=_pack)


def _covers(args: argparse.Namespace) -> Path:
    from shared.paths import shared_data_dir

    return args.covers or shared_data_dir() / "covers"


def _finetune(args: argparse.Namespace) -> int:
    import json

    import torch

    from pipeline.training.look_finetune import FinetuneConfig, finetune_look, load_covers
    from services.inference.model.checkpoint import load_checkpoint, save_checkpoint
    from services.inference.model.predictor import pick_device
    from shared.errors import InvalidInput

    if args.epochs < 1 or args.batch_size < 1:
        raise InvalidInput("--epochs and --batch-size must be at least 1")
    base = load_checkpoint(args.base)
    if not base.head.genres:
        raise InvalidInput(f"{args.base} has no genre-look head to fine-tune")
    device = pick_device(args.device)
    torch.manual_seed(args.seed)
    config = FinetuneConfig(epochs=args.epochs, batch_size=args.batch_size, seed=args.seed, device=device,
                            image_size=args.image_size)  # fmt: skip
    covers = load_covers(_covers(args), genres=base.head.genres, size=args.image_size, seed=args.seed)
    tuned, history = finetune_look(base, covers, config)
    save_checkpoint(tuned, args.out)
    print(json.dumps({"version": tuned.version, "look": tuned.metrics["look"], "history": history}, indent=2))
    return 0


def _pack(args: argparse.Namespace) -> int:
    from pipeline.training.look_finetune import pack_covers

    print(f"{pack_covers(_covers(args), args.out)} covers written to {args.out}")
    return 0
