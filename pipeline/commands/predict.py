"""`pressedplay predict [--json] IMAGE...`: audio features, mood and genre look for photos, one result (or error)
per image.

Photos are decoded and predicted in batches of `--batch` and each result is printed as soon as its batch is done,
so memory stays flat however many photos are given (the JSON array is written element by element).
"""

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
    parser.add_argument(
        "--attention", type=Path, default=None, metavar="DIR", help="write heat-map overlays (what moved the mood) here"
    )
    parser.add_argument("--sample", action="store_true", help="sample the latent instead of using its mean")
    parser.add_argument("--device", default=None)
    parser.add_argument("--batch", type=int, default=32, help="photos decoded and predicted at once (default 32)")
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
    import sys

    import torch

    from services.inference.model.predictor import DEFAULT_MODEL_PATH, Predictor
    from shared.errors import InvalidInput

    if args.batch < 1:
        raise InvalidInput(f"--batch must be at least 1, got {args.batch}")
    torch.set_num_threads(2)
    predictor = Predictor.load(args.model or DEFAULT_MODEL_PATH, device=args.device)
    failed = False
    if args.json:
        sys.stdout.write("[")
    for start in range(0, len(args.images), args.batch):
        chunk = list(enumerate(args.images[start : start + args.batch], start=start))
        for i, result in enumerate(_predict_chunk(predictor, chunk, args)):
            failed = failed or "error" in result
            if args.json:
                sys.stdout.write(("\n" if start + i == 0 else ",\n") + json.dumps(result, indent=2))
            else:
                _print_row(result)
        sys.stdout.flush()
    if args.json:
        sys.stdout.write("\n]\n")
    return 1 if failed else 0


def _predict_chunk(predictor: Any, chunk: list[tuple[int, Path]], args: argparse.Namespace) -> list[dict[str, Any]]:
    """One batch of (position, path) -> one result dict per path, in order."""
    from services.inference.model.attention import overlay_png

    decoded = [(i, path, _read(path)) for i, path in chunk]
    good = [(i, path, image) for i, path, image in decoded if not isinstance(image, str)]
    predictions = predictor.predict(
        [image for _, _, image in good], with_attention=args.attention is not None, sample=args.sample
    )
    by_index = {i: pred for (i, _, _), pred in zip(good, predictions, strict=True)}
    results: list[dict[str, Any]] = []
    for i, path, image in decoded:
        if isinstance(image, str):
            results.append({"image": str(path), "error": image})
            continue
        pred = by_index[i]
        result: dict[str, Any] = {"image": str(path), "features": pred.features.model_dump()}
        if pred.mood is not None:
            result["mood"] = {"valence": round(pred.mood.valence, 3), "arousal": round(pred.mood.arousal, 3)}
        if pred.genre_look is not None:
            result["genre_look"] = dict(pred.genre_look)
        result["model"] = pred.model_version
        if args.attention is not None and pred.attention is not None:
            args.attention.mkdir(parents=True, exist_ok=True)
            overlay = args.attention / f"{i:03d}-{path.stem}.attention.png"
            overlay.write_bytes(overlay_png(image, pred.attention))
            result["attention_png"] = str(overlay)
        results.append(result)
    return results


def _print_row(result: dict[str, Any]) -> None:
    import sys

    if "error" in result:
        print(f"{result['image']}: error: {result['error']}", file=sys.stderr)
        return
    values = "  ".join(f"{name}={value:.3f}" for name, value in result["features"].items())
    mood = result.get("mood")
    extra = f"  mood valence={mood['valence']:.2f} arousal={mood['arousal']:.2f}" if mood else ""
    print(f"{result['image']}: {values}{extra}")
