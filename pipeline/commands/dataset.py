"""`pressedplay dataset build|inspect`: the training shards (covers x catalog tracks x 9 distortions)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `dataset` command group."""
    from pipeline.data.dataset import (
        DEFAULT_COVERS_PER_SHARD,
        DEFAULT_IMAGE_SIZE,
        DEFAULT_OUT_DIR,
        DEFAULT_PAIRS_PER_COVER,
    )

    parser = subparsers.add_parser("dataset", help="build or inspect the training shards")
    actions = parser.add_subparsers(dest="dataset_command", metavar="ACTION")
    actions.required = True

    build = actions.add_parser("build", help="pair covers with catalog tracks and write distorted Parquet shards")
    source = build.add_mutually_exclusive_group()
    source.add_argument("--covers", type=Path, default=None, help="cover folder (default ../shared/data/covers)")
    source.add_argument("--collection", type=Path, default=None, help="a `pressedplay collect` output folder")
    build.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="output folder (default var/dataset)")
    build.add_argument(
        "--pairs-per-cover",
        type=int,
        default=DEFAULT_PAIRS_PER_COVER,
        metavar="K",
        help=f"catalog tracks per cover, one distorted copy each (default {DEFAULT_PAIRS_PER_COVER}; a collection "
        "pairs every track of a playlist)",
    )
    build.add_argument(
        "--image-size", type=int, default=DEFAULT_IMAGE_SIZE, metavar="PX", help="square JPEG side (default 224)"
    )
    build.add_argument("--seed", type=int, default=0, help="pairing, splits and distortions (default 0)")
    build.add_argument(
        "--split",
        type=float,
        nargs=3,
        default=(0.8, 0.1, 0.1),
        metavar=("TRAIN", "VAL", "TEST"),
        help="split ratios by release (default 0.8 0.1 0.1)",
    )
    build.add_argument("--scheduler", default=None, metavar="ADDRESS", help="dask.distributed scheduler address")
    build.add_argument("--local-scheduler", choices=["threads", "processes", "synchronous"], default="threads")
    build.add_argument(
        "--covers-per-shard", type=int, default=DEFAULT_COVERS_PER_SHARD, help="covers per task and Parquet file"
    )
    build.add_argument("--max-covers", type=int, default=None, metavar="N", help="a seeded subset of N releases")
    build.add_argument("--no-progress", action="store_true", help="no progress bar (logs and CI)")
    build.set_defaults(func=_build)

    pools = actions.add_parser("pools", help="how many tracks each cover genre is paired from, and their source")
    pools.set_defaults(func=_pools)

    inspect = actions.add_parser("inspect", help="rows per split and genre, feature ranges (any shard or folder)")
    inspect.add_argument("path", type=Path, help="a shard folder or a .parquet file (sampleset2.parquet works too)")
    inspect.set_defaults(func=_inspect)


def _build(args: argparse.Namespace) -> int:
    from pipeline.data.dataset import build_dataset

    jobs_from = None
    if args.collection is not None:
        from functools import partial

        from pipeline.collect.jobs import collection_jobs

        jobs_from = partial(collection_jobs, args.collection, seed=args.seed, ratios=args.split)

    summary = build_dataset(
        covers_dir=args.covers,
        out_dir=args.out,
        pairs_per_cover=args.pairs_per_cover,
        image_size=args.image_size,
        seed=args.seed,
        ratios=args.split,
        scheduler_address=args.scheduler,
        scheduler=args.local_scheduler,
        covers_per_shard=args.covers_per_shard,
        progress=not args.no_progress,
        jobs_from=jobs_from,
        max_covers=args.max_covers,
    )
    print(summary.to_json())
    return 0


def _inspect(args: argparse.Namespace) -> int:
    from pipeline.data.dataset_inspect import inspect_dataset

    print(inspect_dataset(args.path).render())
    return 0


def _pools(args: argparse.Namespace) -> int:
    from pipeline.data.pairing import load_track_pools

    for genre, pool in load_track_pools().items():
        print(f"{genre:<12}{len(pool):>7}  {pool.source}")
    return 0
