"""`pressedplay catalog build|info`: merge public track-feature tables into data/catalog.parquet, or describe one."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Final

import numpy as np

from shared.errors import InvalidInput

# Merged in this order: the first source listing a track gives its values (names: the first clean spelling).
SHARED_SOURCES: Final = ("spotify_songs.csv.gz", "spotify_tracks_114_genres_subset.csv.gz")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `catalog` command group."""
    parser = subparsers.add_parser("catalog", help="build or describe the track catalog")
    actions = parser.add_subparsers(dest="catalog_command", metavar="ACTION")
    actions.required = True

    build = actions.add_parser(
        "build",
        help="merge track tables (TidyTuesday, Kaggle 114k, SpotifyFeatures.csv or our columns) into the catalog",
    )
    build.add_argument(
        "--from",
        dest="sources",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="another CSV/CSV.gz/Parquet source to merge (repeatable), after the shared ones: "
        + ", ".join(f"../shared/data/catalog/{name}" for name in SHARED_SOURCES),
    )
    build.add_argument(
        "--from-only", action="store_true", help="build from the --from files alone, without the shared sources"
    )
    build.add_argument("--out", type=Path, default=None, help="output Parquet (default data/catalog.parquet)")
    build.add_argument(
        "--artists",
        type=Path,
        default=None,
        help="artist micro-genre CSV (default ../shared/data/artists/artist_feature_means.csv when present)",
    )
    build.add_argument("--no-artists", action="store_true", help="do not use artist micro-genres")
    build.add_argument("--genre-map", type=Path, default=None, help="genre map JSON (default genremappings.json)")
    build.add_argument("--json", action="store_true", help="print the coverage report as JSON")
    build.set_defaults(func=_build)

    info = actions.add_parser("info", help="tracks, genres and feature ranges of a catalog file")
    info.add_argument("--catalog", type=Path, default=None, help="catalog Parquet (default data/catalog.parquet)")
    info.add_argument("--json", action="store_true")
    info.set_defaults(func=_info)

    audit = actions.add_parser(
        "audit", help="label precision per seed genre, judged by the artists' Spotify genres (keyword match)"
    )
    audit.add_argument("--catalog", type=Path, action="append", default=[], help="catalog(s) to judge (repeatable)")
    audit.add_argument(
        "--held-out", action="store_true", help="also rebuild without half the artists and judge their tracks"
    )
    audit.add_argument("--artists", type=Path, default=None, help="artist genre CSV (default: the shared one)")
    audit.set_defaults(func=_audit)

    holidays = actions.add_parser("holidays", help="the catalog's holiday songs, and the detector on a judged sample")
    holidays.add_argument("--catalog", type=Path, default=None, help="catalog Parquet (default data/catalog.parquet)")
    holidays.add_argument(
        "--judged", type=Path, default=None, help="CSV of judged tracks (name, album, artist, holiday, sample)"
    )
    holidays.add_argument("--show", type=int, default=0, metavar="N", help="print N random holiday songs")
    holidays.set_defaults(func=_holidays)


def _build(args: argparse.Namespace) -> int:
    from pipeline.catalog.build import build_catalog_frame, write_catalog
    from pipeline.evaluation.artist_genres import ArtistGenres
    from services.playlist.genres.mapping import load_genre_mapper
    from services.playlist.recommend.catalog import DEFAULT_CATALOG_PATH
    from shared.paths import shared_data_dir

    if args.from_only and not args.sources:
        raise InvalidInput("--from-only needs at least one --from FILE")
    shared = [] if args.from_only else [shared_data_dir() / "catalog" / name for name in SHARED_SOURCES]
    sources = shared + list(args.sources)
    artists_path = args.artists or shared_data_dir() / "artists" / "artist_feature_means.csv"
    artists = None
    if not args.no_artists and (args.artists is not None or artists_path.is_file()):
        artists = ArtistGenres.load(artists_path)
    mapper = load_genre_mapper(args.genre_map)
    frame, report = build_catalog_frame(sources, mapper=mapper, artists=artists)
    out = args.out or DEFAULT_CATALOG_PATH
    write_catalog(frame, out)
    if args.json:
        print(json.dumps({"out": str(out), **report.as_dict()}, indent=2))
    else:
        print(report.summary())
        print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")
    return 0


def _info(args: argparse.Namespace) -> int:
    from services.playlist.recommend.catalog import load_catalog
    from shared.features import AUDIO_FEATURES

    catalog = load_catalog(args.catalog)
    counts = dict(sorted(catalog.genre_counts().items(), key=lambda item: -item[1]))
    ranges = {
        name: [float(catalog.raw[:, i].min()), float(catalog.raw[:, i].max())] for i, name in enumerate(AUDIO_FEATURES)
    }
    with_genres = sum(1 for g in catalog.genres if g)
    if args.json:
        summary = {"source": catalog.source, "tracks": len(catalog), "tracks_with_genres": with_genres}
        print(json.dumps(summary | {"genres": len(counts), "genre_counts": counts, "feature_ranges": ranges}, indent=2))
        return 0
    print(f"{len(catalog)} tracks ({with_genres} with seed genres) from {catalog.source}")
    print(f"{len(counts)} seed genres: " + ", ".join(f"{g} {c}" for g, c in counts.items()))
    for name, (low, high) in ranges.items():
        print(f"  {name:<17} {low:9.3f} .. {high:9.3f}")
    return 0


def _holidays(args: argparse.Namespace) -> int:
    import pandas as pd

    from services.playlist.recommend.catalog import load_catalog
    from services.playlist.recommend.seasons import holiday_mask

    catalog = load_catalog(args.catalog)
    rows = np.flatnonzero(catalog.holiday)
    print(f"{rows.size} holiday songs of {len(catalog)} tracks ({100 * rows.size / max(len(catalog), 1):.1f}%)")
    for row in np.random.default_rng(0).permutation(rows)[: args.show]:
        print(f"  {catalog.names[row]} | {catalog.artists[row]} | {catalog.albums[row]}")
    if args.judged is None:
        return 0
    try:
        judged = pd.read_csv(args.judged, keep_default_na=False)
        found = holiday_mask(judged["name"], judged["album"], judged["artist"])
        truth = judged["holiday"].astype(str).str.lower().isin(["true", "1"]).to_numpy()
    except (OSError, ValueError, KeyError) as exc:
        raise InvalidInput(f"judged sample {args.judged} could not be read: {exc}") from exc
    for sample in judged["sample"].unique():
        mask = (judged["sample"] == sample).to_numpy()
        hits, real = found & mask, truth & mask
        print(
            f"{sample}: {int(mask.sum())} judged, {int(real.sum())} holiday songs; detector flags {int(hits.sum())}, "
            f"{int((hits & truth).sum())} of them right; misses {int((real & ~found).sum())}"
        )
    right = int((found & truth).sum())
    print(f"precision {right / max(int(found.sum()), 1):.3f}, recall {right / max(int(truth.sum()), 1):.3f}")
    return 0


def _audit(args: argparse.Namespace) -> int:
    import pandas as pd

    from pipeline.catalog.build import build_catalog_frame
    from pipeline.evaluation.artist_genres import ArtistGenres
    from pipeline.evaluation.label_audit import held_out_artists, judge_for, label_precision, precision_table
    from services.playlist.genres.mapping import load_genre_mapper
    from services.playlist.recommend.catalog import DEFAULT_CATALOG_PATH, read_catalog_frame
    from shared.paths import shared_data_dir

    artists = ArtistGenres.load(args.artists)
    columns = []
    for path in args.catalog or [DEFAULT_CATALOG_PATH]:
        frame = read_catalog_frame(path)
        judge = judge_for(frame, artists)
        names, kept, refused = judge.namesake_rates()
        print(
            f"{path}: {names} artist names the file knows; the namesake check keeps {kept:.1%} of them and "
            f"refuses {refused:.1%} of random pairings"
        )
        columns.append((path.stem, label_precision(frame, judge)))
    if args.held_out:
        sources = [shared_data_dir() / "catalog" / name for name in SHARED_SOURCES]
        mapper = load_genre_mapper()

        def build(known: ArtistGenres) -> pd.DataFrame:
            return build_catalog_frame(sources, mapper=mapper, artists=known)[0]

        columns.append(("held-out artists", held_out_artists(build, artists)[1]))
    print("\n".join(precision_table(columns)))
    return 0
