"""`pressedplay look finetune|pack`: the genre look with a fine-tuned backbone, and its data package for a GPU."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from shared.paths import REPO_ROOT

if TYPE_CHECKING:
    from pipeline.training.look_finetune import FinetuneConfig

DEFAULT_STATE = REPO_ROOT / "var" / "look-finetune" / "run-state.pt"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `look` command group."""
    parser = subparsers.add_parser("look", help="fine-tune the backbone for the genre look, or pack its covers")
    actions = parser.add_subparsers(dest="look_command", metavar="ACTION")
    actions.required = True

    tune = actions.add_parser("finetune", help="fine-tune the whole backbone + genre-look head on the covers")
    tune.add_argument("--covers", type=Path, default=None, help="covers folder (default ../shared/data/covers)")
    tune.add_argument("--base", default="models/effnet-vae.pt", help="the checkpoint whose head starts the run")
    tune.add_argument("--out", type=Path, required=True, help="where to write the fine-tuned checkpoint")
    tune.add_argument("--epochs", type=int, default=15)
    tune.add_argument("--batch-size", type=int, default=128)
    tune.add_argument(
        "--micro-batch",
        type=int,
        default=None,
        help="covers per forward pass, gradients accumulated to the batch (default: 32 on the CPU, "
        "the whole batch on a GPU)",
    )
    tune.add_argument("--image-size", type=int, default=224)
    tune.add_argument("--seed", type=int, default=0, help="the dataset's split seed and the run's (default 0)")
    tune.add_argument("--device", default=None, help="default: cuda when present, else cpu (~1.8 h on an idle CPU)")
    tune.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's)")
    tune.add_argument(
        "--state",
        type=Path,
        default=None,
        help="the run's state, written after every epoch (default var/look-finetune/run-state.pt)",
    )
    tune.add_argument(
        "--resume", action="store_true", help="continue from --state when it is there (without it, one is refused)"
    )
    tune.add_argument(
        "--stop-after",
        type=int,
        default=None,
        metavar="N",
        help="stop after N epochs of this session (continue later with --resume)",
    )
    tune.set_defaults(func=_finetune)

    pack = actions.add_parser("pack", help="covers squashed to 224 px WebP + index.csv, to send to a GPU machine")
    pack.add_argument("--covers", type=Path, default=None, help="covers folder (default ../shared/data/covers)")
    pack.add_argument("--out", type=Path, required=True)
    pack.set_defaults(func=_pack)


def _covers(args: argparse.Namespace) -> Path:
    from shared.paths import shared_data_dir

    return args.covers or shared_data_dir() / "covers"


def _config(args: argparse.Namespace, device: str) -> FinetuneConfig:
    from pipeline.training.look_finetune import CPU_MICRO_BATCH, FinetuneConfig
    from shared.errors import InvalidInput

    if min(args.epochs, args.batch_size, args.image_size) < 1 or (args.micro_batch or 1) < 1:
        raise InvalidInput("--epochs, --batch-size, --micro-batch and --image-size must be at least 1")
    if args.stop_after is not None and args.stop_after < 1:
        raise InvalidInput("--stop-after must be at least 1")
    micro = args.micro_batch or (args.batch_size if device.startswith("cuda") else CPU_MICRO_BATCH)
    return FinetuneConfig(
        epochs=args.epochs,
        batch_size=args.batch_size,
        micro_batch=min(micro, args.batch_size),
        seed=args.seed,
        device=device,
        image_size=args.image_size,
    )


def _finetune(args: argparse.Namespace) -> int:
    import json

    import torch

    from pipeline.training.look_covers import load_covers
    from pipeline.training.look_finetune import finetune_look
    from services.inference.model.checkpoint import load_checkpoint, save_checkpoint
    from services.inference.model.predictor import pick_device
    from shared.errors import InvalidInput

    device = pick_device(args.device)
    config = _config(args, device)
    if args.threads:
        torch.set_num_threads(args.threads)
    base = load_checkpoint(args.base)
    if not base.head.genres:
        raise InvalidInput(f"{args.base} has no genre-look head to fine-tune")
    covers = load_covers(_covers(args), genres=base.head.genres, size=args.image_size, seed=args.seed)
    state = args.state or DEFAULT_STATE
    tuned, history = finetune_look(
        base, covers, config, state_path=state, resume=args.resume, stop_after=args.stop_after
    )
    if tuned is None:
        print(
            json.dumps(
                {
                    "stopped_after_epoch": len(history),
                    "of": config.epochs,
                    "state": str(state),
                    "continue_with": "the same command with --resume",
                    "history": history,
                },
                indent=2,
            )
        )
        return 0
    save_checkpoint(tuned, args.out)
    print(json.dumps({"version": tuned.version, "look": tuned.metrics["look"], "history": history}, indent=2))
    return 0


def _pack(args: argparse.Namespace) -> int:
    from pipeline.training.look_covers import pack_covers

    print(f"{pack_covers(_covers(args), args.out)} covers written to {args.out}")
    return 0
