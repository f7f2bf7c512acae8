"""Build the training set: every (cover, track) pair gets its own distorted copy of the cover, written as Parquet.

The work is split into shards of a few dozen covers; each shard is one dask task that decodes its covers, distorts
them once per pair and writes `OUT/<split>/part-NNNNN.parquet` itself (so on a dask.distributed cluster the output
folder, like the covers folder, must be a path every worker can reach). Pairing happens up front on the caller's
side, so the workers need neither the catalog nor any shared state, and every random draw is keyed by
(seed, release, pair): the bytes do not depend on the scheduler, the worker count or the shard size.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image, UnidentifiedImageError

from pipeline.data.covers import DEFAULT_RATIOS, SPLITS, Release, assign_splits, read_releases, stable_order
from pipeline.data.dataset_dask import run_shards
from pipeline.data.distortions import distort, encode_jpeg, prepare_cover
from pipeline.data.pairing import TrackPool, load_track_pools
from pipeline.data_errors import DatasetError, PairingError
from shared.features import N_FEATURES
from shared.paths import REPO_ROOT, shared_data_dir

log = logging.getLogger("pressedplay.dataset")

DEFAULT_OUT_DIR: Final = REPO_ROOT / "var" / "dataset"
DEFAULT_PAIRS_PER_COVER: Final = 4
DEFAULT_IMAGE_SIZE: Final = 224
DEFAULT_COVERS_PER_SHARD: Final = 64
SUMMARY_FILE: Final = "summary.json"

SHARD_SCHEMA: Final = pa.schema(
    [
        pa.field("cover", pa.binary()),
        pa.field("features", pa.list_(pa.float32(), N_FEATURES)),
        pa.field("genre", pa.string()),
        pa.field("release_id", pa.string()),
        pa.field("split", pa.string()),
        pa.field("track_id", pa.string()),
        pa.field("distortions", pa.list_(pa.string())),
    ]
)


@dataclass(frozen=True)
class Pair:
    """One track a cover is paired with."""

    genre: str
    track_id: str
    features: tuple[float, ...]


@dataclass(frozen=True)
class CoverJob:
    """One cover, its split, and the tracks it is paired with (one distorted copy each)."""

    release_id: str
    image_path: Path
    split: str
    pairs: tuple[Pair, ...]


@dataclass
class DatasetSummary:
    """What a build wrote: rows per split and genre, and the parameters that reproduce it."""

    out_dir: str
    rows: int
    covers: int
    skipped_covers: list[str]
    counts: dict[str, dict[str, int]]
    pairs_per_cover: int
    image_size: int
    seed: int
    shards: int
    content_digest: str = ""  # over every row's bytes and labels, in any shard layout: equal digests, equal rows
    seconds: float = field(default=0.0)

    def to_json(self) -> str:
        """The summary as indented JSON (what summary.json holds)."""
        return json.dumps(asdict(self), indent=2, sort_keys=True)


def keyed_rng(seed: int, *keys: object) -> np.random.Generator:
    """A generator that depends only on the seed and the keys (stable across processes, unlike hash())."""
    digest = hashlib.blake2b(":".join([str(seed), *map(str, keys)]).encode(), digest_size=16).digest()
    return np.random.default_rng(int.from_bytes(digest, "little"))


def pair_releases(
    releases: Sequence[Release],
    *,
    pools: Mapping[str, TrackPool],
    splits: Mapping[str, str],
    pairs_per_cover: int,
    seed: int,
) -> list[CoverJob]:
    """Draw `pairs_per_cover` tracks for each release, taking turns over its genres."""
    jobs = []
    for release in releases:
        rng = keyed_rng(seed, "pairs", release.release_id)
        offset = int(rng.integers(len(release.genres)))
        turns = [release.genres[(offset + k) % len(release.genres)] for k in range(pairs_per_cover)]
        drawn = {g: iter(pools[g].draw(rng=rng, k=turns.count(g))) for g in release.genres if g in turns}
        pairs = []
        for genre in turns:
            index = next(drawn[genre])
            pool = pools[genre]
            pairs.append(Pair(genre, pool.track_ids[index], tuple(float(v) for v in pool.features[index])))
        jobs.append(CoverJob(release.release_id, release.path, splits[release.release_id], tuple(pairs)))
    return jobs


def write_shard(jobs: Sequence[CoverJob], *, path: Path, image_size: int, seed: int) -> dict[str, Any]:
    """Distort and encode every pair of `jobs` into one Parquet file; returns its counts (a dask task)."""
    columns: dict[str, list[Any]] = {name: [] for name in SHARD_SCHEMA.names}
    skipped: list[str] = []
    row_digests: list[str] = []
    for job in jobs:
        try:
            with Image.open(job.image_path) as opened:
                cover = prepare_cover(opened, size=image_size)
        except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
            skipped.append(str(job.image_path.name))
            continue
        for number, pair in enumerate(job.pairs):
            image, applied = distort(cover, rng=keyed_rng(seed, "distort", job.release_id, number))
            row = (encode_jpeg(image), list(pair.features), pair.genre, job.release_id, job.split, pair.track_id)
            row_digests.append(hashlib.blake2b(repr(row[1:]).encode() + row[0], digest_size=16).hexdigest())
            for name, value in zip(SHARD_SCHEMA.names, (*row, applied), strict=True):
                columns[name].append(value)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns, schema=SHARD_SCHEMA), path)
    counts: dict[str, int] = {}
    for split, genre in zip(columns["split"], columns["genre"], strict=True):
        counts[f"{split}/{genre}"] = counts.get(f"{split}/{genre}", 0) + 1
    return {
        "rows": len(columns["cover"]),
        "covers": len(jobs) - len(skipped),
        "skipped": skipped,
        "counts": counts,
        "row_digests": row_digests,
    }


def _combined_digest(row_digests: Iterable[str]) -> str:
    # Sorted, so the digest names the set of rows whatever the shard size or the order tasks finished in.
    return hashlib.blake2b("".join(sorted(row_digests)).encode(), digest_size=16).hexdigest()


def _clear_previous(out_dir: Path) -> None:
    # Only what a build writes: a re-run must not mix old shards with new ones, nor delete anything else.
    for split in SPLITS:
        for old in (out_dir / split).glob("part-*.parquet"):
            old.unlink()
    (out_dir / SUMMARY_FILE).unlink(missing_ok=True)


def _shard_plan(jobs: Sequence[CoverJob], *, out_dir: Path, covers_per_shard: int) -> list[tuple[Path, list[CoverJob]]]:
    plan: list[tuple[Path, list[CoverJob]]] = []
    for split in SPLITS:
        in_split = sorted((j for j in jobs if j.split == split), key=lambda j: j.release_id)
        for start in range(0, len(in_split), covers_per_shard):
            plan.append((out_dir / split / f"part-{len(plan):05d}.parquet", in_split[start : start + covers_per_shard]))
    return plan


def build_dataset(
    *,
    covers_dir: Path | None = None,
    out_dir: Path = DEFAULT_OUT_DIR,
    pairs_per_cover: int = DEFAULT_PAIRS_PER_COVER,
    image_size: int = DEFAULT_IMAGE_SIZE,
    seed: int = 0,
    ratios: Sequence[float] = DEFAULT_RATIOS,
    scheduler_address: str | None = None,
    scheduler: str = "threads",
    covers_per_shard: int = DEFAULT_COVERS_PER_SHARD,
    pools: Mapping[str, TrackPool] | None = None,
    progress: bool = True,
    jobs_from: Callable[[], list[CoverJob]] | None = None,
    max_covers: int | None = None,
) -> DatasetSummary:
    """Pair covers with catalog tracks, distort one copy per pair, write Parquet shards and summary.json.

    `covers_dir` defaults to ../shared/data/covers; `jobs_from` replaces covers + pairing (e.g. a collection);
    `max_covers` keeps a seeded random subset of releases (quick runs).
    """
    _check_options(
        pairs_per_cover=pairs_per_cover,
        image_size=image_size,
        max_covers=max_covers,
        covers_per_shard=covers_per_shard,
        scheduler=scheduler,
    )
    started = time.monotonic()
    if jobs_from is not None:
        jobs = jobs_from()
    else:
        jobs = _pair_covers(
            covers_dir or shared_data_dir() / "covers",
            pools=pools,
            max_covers=max_covers,
            seed=seed,
            ratios=ratios,
            pairs_per_cover=pairs_per_cover,
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear_previous(out_dir)
    plan = _shard_plan(jobs, out_dir=out_dir, covers_per_shard=covers_per_shard)
    results = run_shards(
        write_shard,
        plan,
        task_kwargs={"image_size": image_size, "seed": seed},
        scheduler_address=scheduler_address,
        scheduler=scheduler,
        progress=progress,
    )
    summary = _summary(results, out_dir=out_dir, pairs_per_cover=pairs_per_cover, image_size=image_size, seed=seed)
    summary.shards, summary.seconds = len(plan), round(time.monotonic() - started, 1)
    (out_dir / SUMMARY_FILE).write_text(summary.to_json() + "\n")
    log.info("dataset.built", extra={"rows": summary.rows, "shards": summary.shards, "seconds": summary.seconds})
    return summary


def _check_options(
    *, pairs_per_cover: int, image_size: int, max_covers: int | None, covers_per_shard: int, scheduler: str
) -> None:
    if pairs_per_cover < 1:
        raise DatasetError(f"pairs per cover must be at least 1, got {pairs_per_cover}")
    if not 32 <= image_size <= 1024:
        raise DatasetError(f"image size must be between 32 and 1024 px, got {image_size}")
    if max_covers is not None and max_covers < 1:
        raise DatasetError(f"max covers must be at least 1, got {max_covers}")
    if covers_per_shard < 1:
        raise DatasetError(f"covers per shard must be at least 1, got {covers_per_shard}")
    if scheduler not in {"threads", "processes", "synchronous"}:
        raise DatasetError(f"unknown local scheduler {scheduler!r}; use threads, processes or synchronous")


def _pair_covers(
    covers_dir: Path,
    *,
    pools: Mapping[str, TrackPool] | None,
    max_covers: int | None,
    seed: int,
    ratios: Sequence[float],
    pairs_per_cover: int,
) -> list[CoverJob]:
    """The covers (a seeded subset with max_covers), split by release and paired with catalog tracks."""
    releases = read_releases(covers_dir)
    if max_covers is not None:
        chosen = set(stable_order([r.release_id for r in releases], seed=seed)[:max_covers])
        releases = [r for r in releases if r.release_id in chosen]
    genres = {g for r in releases for g in r.genres}
    pools = pools or load_track_pools(genres=genres)
    if genres - set(pools):
        raise PairingError(f"no track pool for cover genre(s) {', '.join(sorted(genres - set(pools)))}")
    splits = assign_splits(releases, seed=seed, ratios=ratios)
    return pair_releases(releases, pools=pools, splits=splits, pairs_per_cover=pairs_per_cover, seed=seed)


def _summary(
    results: Sequence[Mapping[str, Any]], *, out_dir: Path, pairs_per_cover: int, image_size: int, seed: int
) -> DatasetSummary:
    """The shards' results added up: rows, covers, skipped covers, rows per split and genre, the content digest."""
    counts: dict[str, dict[str, int]] = {}
    for result in results:
        for key, n in result["counts"].items():
            split, genre = key.split("/", 1)
            counts.setdefault(split, {}).setdefault(genre, 0)
            counts[split][genre] += n
    return DatasetSummary(
        out_dir=str(out_dir),
        rows=sum(r["rows"] for r in results),
        covers=sum(r["covers"] for r in results),
        skipped_covers=sorted(name for r in results for name in r["skipped"]),
        counts={s: dict(sorted(g.items())) for s, g in sorted(counts.items())},
        pairs_per_cover=pairs_per_cover,
        image_size=image_size,
        seed=seed,
        shards=0,
        content_digest=_combined_digest(d for r in results for d in r["row_digests"]),
    )
