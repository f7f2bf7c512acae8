"""`pressedplay finetune --feedback DIR`: a reward-weighted refit of the mood head from exported ratings."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `finetune` command."""
    parser = subparsers.add_parser(
        "finetune",
        help="refit the mood head on exported ratings (liked: toward what was served; disliked: away, within a "
        "margin), mixed with the original rated photos; writes a new versioned checkpoint with its metrics",
        description="The objective and why the mood head: pipeline/feedback/finetune.py and docs/feedback.md.",
    )
    parser.add_argument("--feedback", type=Path, required=True, help="a folder written by `feedback export`")
    parser.add_argument("--model", default="models/effnet-vae.pt", help="the parent checkpoint (path or s3://)")
    parser.add_argument(
        "--affect", type=Path, default=None, help="original rated photos (default ../shared/data/affect/emotion6-dev)"
    )
    parser.add_argument("--out", type=Path, required=True, help="where to write the new checkpoint")
    parser.add_argument("--feedback-weight", type=float, default=0.5, help="lambda: all feedback vs original data")
    parser.add_argument("--margin", type=float, default=1.0, help="dislike margin in mood units (1-9 scale)")
    parser.add_argument("--bound", type=float, default=0.15, help="max rise of held-out mood MAE per dimension")
    parser.add_argument("--publish", default=None, help="also publish to this model store (a folder or s3://)")
    parser.add_argument("--cache-dir", type=Path, default=None, help="backbone cache (default var/cache/affect)")
    parser.add_argument("--device", default=None)
    parser.set_defaults(func=_finetune)


def _finetune(args: argparse.Namespace) -> int:
    import json

    import torch

    from pipeline.feedback.feedback_set import load_feedback
    from pipeline.feedback.finetune import Objective, finetune_mood
    from pipeline.feedback.model_store import publish
    from pipeline.mood.fit import DEFAULT_CACHE, extract
    from services.inference.model.checkpoint import save_checkpoint
    from services.inference.model.predictor import Predictor
    from shared.paths import shared_data_dir

    if not args.feedback_weight > 0 or not args.margin > 0 or args.bound < 0:
        raise SystemExit("pressedplay: error: --feedback-weight and --margin must be > 0, --bound >= 0")
    torch.set_num_threads(2)
    predictor = Predictor.load(args.model, device=args.device, backend="eager")
    affect_root = args.affect or shared_data_dir() / "affect" / "emotion6-dev"
    original = extract(predictor, affect_root, cache_dir=args.cache_dir or DEFAULT_CACHE)
    feedback = load_feedback(args.feedback, predictor)
    objective = Objective(feedback_weight=args.feedback_weight, margin=args.margin, mae_bound=args.bound)
    checkpoint, metrics = finetune_mood(predictor.checkpoint, original, feedback, objective)
    save_checkpoint(checkpoint, args.out)
    answer = {"version": checkpoint.version, "parent": predictor.version, "out": str(args.out), "metrics": metrics}
    if args.publish:
        answer["published"] = publish(args.out, checkpoint, args.publish)
    print(json.dumps(answer, indent=2))
    return 0
