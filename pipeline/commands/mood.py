"""`pressedplay mood fit|report`: the mood head from rated photos, and what it gives people."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.mood.fit import AffectSet
    from services.inference.model.predictor import Predictor


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `mood` command group."""
    parser = subparsers.add_parser("mood", help="fit the mood head on rated photos, or report what it serves")
    actions = parser.add_subparsers(dest="mood_command", metavar="ACTION")
    actions.required = True
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--affect", type=Path, default=None, help="ratings.csv + images/ (default ../shared/data/affect/emotion6-dev)"
    )
    common.add_argument("--catalog", type=Path, default=None, help="catalog Parquet (default data/catalog.parquet)")
    common.add_argument("--seed", type=int, default=0, help="cross-validation folds (default 0)")
    common.add_argument(
        "--cache-dir", type=Path, default=None, help="backbone outputs cache (default var/cache/affect)"
    )
    common.add_argument("--device", default=None)

    fit = actions.add_parser("fit", parents=[common], help="add the mood head and feature mapping to a checkpoint")
    fit.add_argument("--base", default="models/effnet-vae.pt", help="the genre-look checkpoint (path or s3://)")
    fit.add_argument("--out", type=Path, required=True, help="where to write the new checkpoint")
    fit.add_argument(
        "--calibrate-spread",
        action="store_true",
        help="re-rank the served blends among the rated photos' so energy spans the catalog (off by default: "
        'docs/model.md "The spread, calibrated")',
    )
    fit.set_defaults(func=_fit)

    report = actions.add_parser("report", parents=[common], help="cross-validated mood, served features, playlists")
    report.add_argument("model", nargs="?", default="models/effnet-vae.pt", help="a checkpoint with a mood head")
    report.add_argument("--photos", type=int, default=60, help="photos to make playlists for (default 60)")
    report.add_argument("--json", action="store_true", help="print the report as JSON")
    report.add_argument("--scatter", type=Path, default=None, help="write predicted-vs-human mood as a PNG here")
    report.set_defaults(func=_report)


def _affect_root(args: argparse.Namespace) -> Path:
    from shared.paths import shared_data_dir

    return args.affect or shared_data_dir() / "affect" / "emotion6-dev"


def _extract(args: argparse.Namespace, uri: str) -> tuple[Predictor, AffectSet]:
    import torch

    from pipeline.mood.fit import DEFAULT_CACHE, extract
    from services.inference.model.predictor import Predictor

    torch.set_num_threads(2)
    predictor = Predictor.load(uri, device=args.device, backend="eager")  # reads the torch modules
    return predictor, extract(predictor, _affect_root(args), cache_dir=args.cache_dir or DEFAULT_CACHE)


def _fit(args: argparse.Namespace) -> int:
    import json

    from pipeline.mood.fit import fit_mood, summary
    from services.inference.model.checkpoint import save_checkpoint

    predictor, affect = _extract(args, args.base)
    checkpoint, _ = fit_mood(
        predictor.checkpoint,
        affect,
        catalog_path=args.catalog,
        source=_affect_root(args).name,
        seed=args.seed,
        calibrate_spread=args.calibrate_spread,
    )
    save_checkpoint(checkpoint, args.out)
    print(json.dumps(summary(checkpoint), indent=2))
    return 0


def _report(args: argparse.Namespace) -> int:
    import json

    from pipeline.mood.report import build_report, render
    from shared.errors import InvalidInput

    predictor, affect = _extract(args, args.model)
    mapping = predictor.checkpoint.feature_mapping
    if mapping is None:
        raise InvalidInput(f"{args.model} has no mood head: make one with `pressedplay mood fit`")
    report = build_report(
        affect, mapping, playlist_photos=args.photos, seed=args.seed, catalog=args.catalog, scatter=args.scatter
    )
    print(json.dumps(report.to_dict(), indent=2) if args.json else render(report))
    return 0
