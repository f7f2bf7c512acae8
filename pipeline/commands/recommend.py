"""`pressedplay recommend`: a playlist for target features and genres; `recommend-quality`: the offline evaluation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from shared.errors import InvalidInput


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `recommend` and `recommend-quality` commands."""
    parser = subparsers.add_parser("recommend", help="recommend catalog tracks for 8 target audio features")
    parser.add_argument(
        "--features",
        required=True,
        metavar="JSON",
        help='the 8 features as a JSON object, or @FILE holding one: \'{"energy": 0.8, "valence": 0.7, ...}\'',
    )
    parser.add_argument("--genres", default=None, help="comma-separated genres, any name the genre map knows")
    parser.add_argument("--n", type=int, default=20, help="tracks to return, 1..100 (default 20)")
    parser.add_argument("--mode", default="match", help="match | boost | calm (default match)")
    parser.add_argument("--diversity", type=float, default=0.3, help="0..1 (default 0.3)")
    parser.add_argument("--seed", type=int, default=None, help="seed for a reproducible shuffle of near-ties")
    parser.add_argument("--genre-match", default="filter", help="filter (default) or boost")
    parser.add_argument("--max-per-artist", type=int, default=2)
    parser.add_argument("--catalog", type=Path, default=None, help="catalog Parquet (default data/catalog.parquet)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the recommendation as JSON")
    output.add_argument("--m3u", type=Path, default=None, metavar="FILE", help="write an M3U8 playlist")
    output.add_argument("--csv", type=Path, default=None, metavar="FILE", help="write a CSV")
    parser.set_defaults(func=_recommend)

    quality = subparsers.add_parser(
        "recommend-quality", help="evaluate the recommender with held-out catalog tracks as targets"
    )
    quality.add_argument("--queries", type=int, default=300)
    quality.add_argument("--n", type=int, default=20)
    quality.add_argument("--seed", type=int, default=0)
    quality.add_argument("--catalog", type=Path, default=None)
    quality.add_argument("--json", action="store_true")
    quality.set_defaults(func=_quality)


def read_features(text: str) -> dict[str, Any]:
    """The --features argument (JSON text or @file) as a dict; raises InvalidInput naming the problem."""
    from shared.features import AUDIO_FEATURES

    if text.startswith("@"):
        path = Path(text[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInput(f"--features file {path} could not be read: {exc.strerror}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"--features is not valid JSON: {exc.msg} at character {exc.pos}") from exc
    if isinstance(data, dict) and isinstance(data.get("features"), dict):
        data = data["features"]  # accept an inference response or a saved recommendation
    if not isinstance(data, dict):
        raise InvalidInput("--features must be a JSON object mapping feature names to numbers")
    missing = [name for name in AUDIO_FEATURES if name not in data]
    if missing:
        raise InvalidInput(f"--features is missing: {', '.join(missing)} (needs all of {', '.join(AUDIO_FEATURES)})")
    return data


def _recommend(args: argparse.Namespace) -> int:
    from services.playlist.genres.mapping import load_genre_mapper
    from services.playlist.recommend.catalog import load_catalog
    from services.playlist.recommend.exports import to_csv, to_json, to_m3u8
    from services.playlist.recommend.recommender import Recommender, parse_request

    request = parse_request(
        {
            "features": read_features(args.features),
            "genres": args.genres.split(",") if args.genres else None,
            "n": args.n,
            "mode": args.mode,
            "diversity": args.diversity,
            "seed": args.seed,
            "genre_match": args.genre_match,
            "max_per_artist": args.max_per_artist,
        }
    )
    recommender = Recommender(load_catalog(args.catalog), load_genre_mapper())
    rec = recommender.recommend(request)
    for warning in rec.warnings:
        print(f"pressedplay: warning: {warning}", file=sys.stderr)
    if args.json:
        print(to_json(rec))
    elif args.m3u is not None:
        args.m3u.write_text(to_m3u8(rec), encoding="utf-8")
        print(f"wrote {len(rec.tracks)} tracks to {args.m3u}")
    elif args.csv is not None:
        args.csv.write_text(to_csv(rec), encoding="utf-8")
        print(f"wrote {len(rec.tracks)} tracks to {args.csv}")
    else:
        for position, track in enumerate(rec.tracks, start=1):
            print(f"{position:3d}. {track.artist} - {track.name}  [{track.why}]  {track.url}")
    return 0


def _quality(args: argparse.Namespace) -> int:
    from pipeline.evaluation.recommender_quality import evaluate

    report = evaluate(catalog_path=args.catalog, queries=args.queries, n=args.n, seed=args.seed)
    print(json.dumps(report, indent=2) if args.json else report["table"])
    return 0
