"""`pressedplay genres build | map | eval | check | words | listed`: the genre map's builder, a lookup, its
measurement and the word lists it reads."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `genres` command group."""
    parser = subparsers.add_parser("genres", help="build, query and measure the micro-genre -> seed genre map")
    group = parser.add_subparsers(dest="genres_command", metavar="ACTION")
    group.required = True

    build = group.add_parser("build", help="rebuild genremappings.json and its embeddings from ../shared")
    build.set_defaults(func=_build)

    mapping = group.add_parser("map", help="map genre names to seed genres")
    mapping.add_argument("genres", nargs="+", metavar="GENRE")
    mapping.add_argument("--json", action="store_true", help="print one JSON object {genre: [seed genres]}")
    mapping.set_defaults(func=_map)

    evaluate = group.add_parser("eval", help="score the map and the runtime mapper on data/genre_labels.csv")
    evaluate.add_argument("--split", choices=["dev", "test", "dev2", "test2", "all"], default="all")
    evaluate.add_argument("--json", action="store_true", help="print the numbers as JSON")
    evaluate.add_argument("--errors", action="store_true", help="list the mistakes too")
    evaluate.set_defaults(func=_eval)

    check = group.add_parser("check", help="real names accepted, non-genres refused: data/genre_check.csv")
    check.add_argument("--split", choices=["dev", "test", "all"], default="test")
    check.add_argument("--sweep", action="store_true", help="choose the confidence floor on the dev part first")
    check.add_argument("--rebuild", action="store_true", help="draw data/genre_check.csv again (needs ../shared)")
    check.add_argument("--json", action="store_true", help="print the numbers as JSON")
    check.add_argument("--errors", action="store_true", help="list the misses too")
    check.set_defaults(func=_check)

    words = group.add_parser("words", help="rebuild data/common_words.txt.gz from wordfreq (a dev dependency)")
    words.set_defaults(func=_words)

    listed = group.add_parser("listed", help="rebuild data/musicbrainz_genres.txt from MusicBrainz's genre list")
    listed.add_argument("source", type=Path, help="/ws/2/genre/all as JSON, or a CSV of it (name + MBID)")
    listed.set_defaults(func=_listed)


def _listed(args: argparse.Namespace) -> int:
    from pipeline.genres.listed_genres import write_listed_genres

    print(f"data/musicbrainz_genres.txt: {write_listed_genres(args.source)} genres")
    return 0


def _words(args: argparse.Namespace) -> int:
    from pipeline.genres.common_words import write_common_words

    print(f"data/common_words.txt.gz: {write_common_words()} words")
    return 0


def _check(args: argparse.Namespace) -> int:
    from pipeline.genres.check import build_check_set, format_check, run_check

    if args.rebuild:
        print(f"data/genre_check.csv: {len(build_check_set())} names")
    report = run_check(split=args.split, sweep=args.sweep)
    print(json.dumps(report, indent=2) if args.json else format_check(report, errors=args.errors))
    return 0


def _build(args: argparse.Namespace) -> int:
    from pipeline.genres.map_build import run_build

    result = run_build()
    counts = result.counts()
    print(f"genremappings.json: {len(result.mapping)} entries")
    for step, count in counts.most_common():
        print(f"  {step:14s} {count}")
    return 0


def _map(args: argparse.Namespace) -> int:
    from services.playlist.genres.mapping import load_genre_mapper

    mapper = load_genre_mapper()
    result = mapper.map_many(args.genres)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for genre, seeds in result.items():
            print(f"{genre}\t{', '.join(seeds) if seeds else '(no seed genre)'}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from pipeline.genres.evaluation import evaluate, format_report

    report = evaluate(split=args.split)
    print(json.dumps(report.as_dict(), indent=2) if args.json else format_report(report, errors=args.errors))
    return 0
