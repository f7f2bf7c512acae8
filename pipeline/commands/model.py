"""`pressedplay model pack CHECKPOINT`: the checkpoint's served graph as ONNX beside it (`x.pt` -> `x.onnx`), with the
metadata the torch-free CPU image serves it by (services/inference/model/packed.py). Never committed: the graph
holds the backbone's weights (~14 MB); `pressedplay finetune --publish` packs into the model store by itself.
`pressedplay model publish CHECKPOINT URI` puts a checkpoint and its packed graph side by side (Compose's
`models-upload` one-shot)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `model` command group."""
    parser = subparsers.add_parser("model", help="pack a checkpoint for the torch-free CPU image")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    pack = actions.add_parser("pack", help="export the served graph (+ metadata) as ONNX beside the checkpoint")
    pack.add_argument("checkpoint", help="a local path or s3:// URI (default models/effnet-vae.pt)", nargs="?")
    pack.add_argument("--out", type=Path, default=None, help="where to write it (default: beside a local checkpoint)")
    pack.set_defaults(func=_pack)
    publish = actions.add_parser("publish", help="put a checkpoint and its packed graph at a URI (s3:// or a path)")
    publish.add_argument("checkpoint", type=Path, help="a local checkpoint")
    publish.add_argument("uri", help="where the checkpoint goes, e.g. s3://models/effnet-vae.pt (the graph beside it)")
    publish.add_argument("--create-bucket", action="store_true", help="create the S3 bucket if it does not exist")
    publish.set_defaults(func=_publish)


def _pack(args: argparse.Namespace) -> int:
    from services.inference.adapters.storage import is_s3_uri
    from services.inference.model.packed import DEFAULT_MODEL_PATH
    from services.inference.model.served_graph import pack
    from shared.errors import InvalidInput

    checkpoint = args.checkpoint or str(DEFAULT_MODEL_PATH)
    if is_s3_uri(checkpoint) and args.out is None:
        raise InvalidInput("an s3:// checkpoint needs --out (publish to a model store with `finetune --publish`)")
    try:
        path = pack(checkpoint, args.out)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


def _publish(args: argparse.Namespace) -> int:
    from pipeline.feedback.model_store import publish_to

    for written in publish_to(args.checkpoint, args.uri, create_bucket=args.create_bucket):
        print(written)
    return 0
