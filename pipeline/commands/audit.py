"""`pressedplay audit playlists PHOTOS`: what a listener gets over a folder of photos and several genre requests;
`pressedplay audit albums PHOTOS`: whether an album's one list moves with its photos."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `audit` command group."""
    parser = subparsers.add_parser("audit", help="listener checks of the playlists a folder of photos gets")
    actions = parser.add_subparsers(dest="audit_command", metavar="ACTION")
    actions.required = True
    lists = actions.add_parser(
        "playlists",
        help="genre truth, holiday songs, repeats, missing genres, crowding, another take, flow, spread, mood",
    )
    lists.add_argument("photos", type=Path, help="a folder of photos (searched recursively; ratings.csv optional)")
    lists.add_argument(
        "--requests",
        default=None,
        help="genre requests separated by ';', genres in one request by ',' (default: jazz;latin;hip-hop;k-pop;"
        "hard-rock;bossanova;pop,rock;indie,electronic)",
    )
    lists.add_argument("--photos-per-request", dest="count", type=int, default=30, help="photos used (default 30)")
    lists.add_argument("--n", type=int, default=20, help="tracks per list (default 20)")
    lists.add_argument("--seed", type=int, default=0, help="which photos are drawn (default 0)")
    lists.add_argument("--model", default=None, help="checkpoint path or s3:// URI (default models/effnet-vae.pt)")
    lists.add_argument("--catalog", type=Path, default=None, help="catalog Parquet (default data/catalog.parquet)")
    lists.add_argument("--artists", type=Path, default=None, help="artist genre file (default ../shared's)")
    lists.add_argument("--show", type=int, default=0, metavar="K", help="print K photos' lists side by side")
    lists.add_argument("--json", action="store_true", help="print the report as JSON")
    lists.set_defaults(func=_playlists)
    albums = actions.add_parser(
        "albums", help="albums of rated photos, saddest to happiest: does the list rise with them, own tracks"
    )
    albums.add_argument("photos", type=Path, help="a folder of photos with ratings.csv (people's valence)")
    albums.add_argument("--requests", default=None, help="as for `playlists` (default: any;pop,rock;jazz;...)")
    albums.add_argument("--photos-per-album", dest="size", type=int, default=6, help="photos per album (default 6)")
    albums.add_argument("--albums", type=int, default=20, help="albums drawn (default 20)")
    albums.add_argument("--per-photo", type=int, default=3, help="tracks per photo (default 3)")
    albums.add_argument("--seed", type=int, default=0, help="which photos are drawn (default 0)")
    albums.add_argument("--model", default=None, help="checkpoint path or s3:// URI (default models/effnet-vae.pt)")
    albums.add_argument("--json", action="store_true", help="print the report as JSON")
    albums.set_defaults(func=_albums)


def parse_requests(text: str | None) -> list[str]:
    """';'-separated requests -> each a normalised 'a,b' string; raises InvalidInput for an empty one."""
    from pipeline.evaluation.playlist_audit import DEFAULT_REQUESTS
    from shared.errors import InvalidInput

    if text is None:
        return list(DEFAULT_REQUESTS)
    requests = [",".join(g.strip() for g in part.split(",") if g.strip()) for part in text.split(";")]
    if not all(requests):
        raise InvalidInput(f"--requests has an empty request: {text!r} (separate requests by ';', genres by ',')")
    return requests


def _playlists(args: argparse.Namespace) -> int:
    import json

    import torch

    from pipeline.evaluation.artist_genres import ArtistGenres
    from pipeline.evaluation.audit_report import render, run_audit
    from pipeline.evaluation.photo_readings import read_photos
    from services.inference.model.predictor import DEFAULT_MODEL_PATH
    from services.playlist.genres.mapping import load_genre_mapper
    from services.playlist.recommend.catalog import load_catalog
    from services.playlist.recommend.recommender import Recommender
    from shared.errors import InvalidInput

    if args.count < 2 or not 1 <= args.n <= 100:
        raise InvalidInput("--photos-per-request must be at least 2 and --n within 1..100")
    requests = parse_requests(args.requests)
    torch.set_num_threads(2)
    readings = read_photos(args.photos, model=args.model or DEFAULT_MODEL_PATH)
    catalog = load_catalog(args.catalog)
    recommender = Recommender(catalog, load_genre_mapper())
    judge = ArtistGenres.load(args.artists).with_catalog(list(catalog.artists), catalog.raw)
    report: dict[str, Any] = run_audit(
        recommender, readings, requests, judge=judge, count=args.count, n=args.n, seed=args.seed, show=args.show
    )
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


def _albums(args: argparse.Namespace) -> int:
    import json

    import torch

    from pipeline.evaluation.album_audit import DEFAULT_ALBUM_REQUESTS, render_album_audit, run_album_audit
    from pipeline.evaluation.photo_readings import read_photos
    from services.inference.model.predictor import DEFAULT_MODEL_PATH
    from services.playlist.genres.mapping import load_genre_mapper
    from services.playlist.recommend.catalog import load_catalog
    from services.playlist.recommend.recommender import Recommender
    from shared.errors import InvalidInput
    from shared.recommendation import MAX_ALBUM_PHOTOS

    if not 2 <= args.size <= MAX_ALBUM_PHOTOS or args.albums < 1 or not 1 <= args.per_photo <= 10:
        raise InvalidInput(f"--photos-per-album within 2..{MAX_ALBUM_PHOTOS}, --albums >= 1, --per-photo 1..10")
    requests = parse_requests(args.requests) if args.requests else list(DEFAULT_ALBUM_REQUESTS)
    torch.set_num_threads(2)
    readings = read_photos(args.photos, model=args.model or DEFAULT_MODEL_PATH)
    recommender = Recommender(load_catalog(), load_genre_mapper())
    report = run_album_audit(
        recommender, readings, requests, photos=args.size, albums=args.albums, per_photo=args.per_photo, seed=args.seed
    )
    print(json.dumps(report, indent=2) if args.json else render_album_audit(report))
    return 0
