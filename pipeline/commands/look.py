"""`pressedplay look finetune|score|pack`: the genre look with a fine-tuned backbone, the served look scored on the
held-out covers, and the covers' package for a GPU."""

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

    _add_finetune(actions)
    _add_score(actions)

    pack = actions.add_parser("pack", help="covers squashed to 224 px WebP + index.csv, to send to a GPU machine")
    pack.add_argument("--covers", type=Path, default=None, help="covers folder (default ../shared/data/covers)")
    pack.add_argument("--out", type=Path, required=True)
    pack.set_defaults(func=_pack)


def _add_finetune(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    tune.add_argument(
        "--train-from-block",
        type=int,
        default=0,
        metavar="B",
        help="train Lite0's blocks from B on (0-15) with the head conv; the stem and earlier blocks stay the "
        "parent's, so the mood's early-stage taps are unchanged (default 0: the whole backbone; 11: the last two "
        "stages)",
    )
    tune.add_argument(
        "--preserve",
        type=float,
        default=0.0,
        metavar="W",
        help="weight of the drift of the pooled stage outputs (what the mood reads) from the parent's; 0 (default): "
        "the look alone (pipeline/training/look_objective.py)",
    )
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


def _add_score(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    score = actions.add_parser(
        "score", help="top-1 of the served genre look on the held-out covers, each as its file is (no distortion)"
    )
    score.add_argument("model", help="checkpoint path or s3:// URI")
    score.add_argument("--covers", type=Path, default=None, help="covers folder (default ../shared/data/covers)")
    score.add_argument("--split", choices=["val", "test"], default="test")
    score.add_argument("--seed", type=int, default=0, help="the dataset's split seed (default 0)")
    score.add_argument("--threads", type=int, default=2)
    score.add_argument("--json", action="store_true", help="print the numbers as JSON")
    score.set_defaults(func=_score)


def _covers(args: argparse.Namespace) -> Path:
    from shared.paths import shared_data_dir

    return args.covers or shared_data_dir() / "covers"


def _config(args: argparse.Namespace, device: str) -> FinetuneConfig:
    from pipeline.training.look_finetune import CPU_MICRO_BATCH, FinetuneConfig
    from shared.errors import InvalidInput

    if min(args.epochs, args.batch_size, args.image_size) < 1 or (args.micro_batch or 1) < 1:
        raise InvalidInput("--epochs, --batch-size, --micro-batch and --image-size must be at least 1")
    if not args.preserve >= 0:
        raise InvalidInput("--preserve must be a weight >= 0")
    if not 0 <= args.train_from_block <= 15:
        raise InvalidInput("--train-from-block must be a Lite0 block, 0-15")
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
        train_from_block=args.train_from_block,
        preserve=args.preserve,
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


def _score(args: argparse.Namespace) -> int:
    import json

    import torch

    from pipeline.evaluation.served_look import served_look
    from services.inference.model.predictor import Predictor

    torch.set_num_threads(args.threads)
    predictor = Predictor.load(args.model, threads=args.threads)  # the service's own path (ONNX on the CPU)
    result = served_look(predictor, _covers(args), split=args.split, seed=args.seed)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(
            f"{result.model_version}: served genre look top-1 on {result.covers} {result.split} covers: "
            f"{result.top1_per_label:.1%} per label ({result.labels} labels), {result.top1_per_cover:.1%} per cover"
        )
    return 0


def _pack(args: argparse.Namespace) -> int:
    from pipeline.training.look_covers import pack_covers

    print(f"{pack_covers(_covers(args), args.out)} covers written to {args.out}")
    return 0
