"""`pressedplay predict [--json] IMAGE...`: audio features for photos, one result (or error) per image."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `predict` command."""
    parser = subparsers.add_parser("predict", help="predict the 8 audio features of photos")
    parser.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    parser.add_argument("--json", action="store_true", help="print one JSON array, an object per image")
    parser.add_argument("--model", default=None, help="checkpoint path or s3:// URI (default models/effnet-vae.pt)")
    parser.add_argument("--attention", type=Path, default=None, metavar="DIR", help="write attention overlays here")
    parser.add_argument("--sample", action="store_true", help="sample the latent instead of using its mean")
    parser.add_argument("--device", default=None)
    parser.set_defaults(func=_predict)


def _read(path: Path) -> Any:
    """The decoded image, or the error message to report for it."""
    from services.inference.model.image_io import decode_image
    from shared.errors import ServiceError

    try:
        return decode_image(path.read_bytes())
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    except ServiceError as exc:
        return str(exc.detail)


def _predict(args: argparse.Namespace) -> int:
    import json

    import torch

    from services.inference.model.attention import overlay_png
    from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor

    torch.set_num_threads(2)
    predictor = Predictor.load(args.model or DEFAULT_MODEL_PATH, device=args.device)
    decoded = [(path, _read(path)) for path in args.images]
    good = [i for i, (_, image) in enumerate(decoded) if not isinstance(image, str)]
    predictions = predictor.predict(
        [decoded[i][1] for i in good], with_attention=args.attention is not None, sample=args.sample
    )
    by_index = dict(zip(good, predictions, strict=True))
    results: list[dict[str, Any]] = []
    for i, (path, image) in enumerate(decoded):
        if isinstance(image, str):
            results.append({"image": str(path), "error": image})
            continue
        pred = by_index[i]
        result: dict[str, Any] = {"image": str(path), "features": pred.features.model_dump()}
        result["model"] = pred.model_version
        if args.attention is not None and pred.attention is not None:
            args.attention.mkdir(parents=True, exist_ok=True)
            overlay = args.attention / f"{i:03d}-{path.stem}.attention.png"
            overlay.write_bytes(overlay_png(image, pred.attention))
            result["attention_png"] = str(overlay)
        results.append(result)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        _print_table(results)
    return 1 if any("error" in r for r in results) else 0


def _print_table(results: list[dict[str, Any]]) -> None:
    import sys

    for result in results:
        if "error" in result:
            print(f"{result['image']}: error: {result['error']}", file=sys.stderr)
            continue
        values = "  ".join(f"{name}={value:.3f}" for name, value in result["features"].items())
        print(f"{result['image']}: {values}")
