"""Recommender and feature-index benchmark: the real 28k catalog, then synthetic catalogs of 1M (and 10M) tracks.

    python -m bench recommender                         # real catalog + 1M synthetic (about a minute)
    PRESSEDPLAY_BENCH_10M=1 python -m bench recommender  # adds the 10M synthetic run (make bench sets it; ~3 GB)

Synthetic tracks are real catalog tracks plus Gaussian noise in the search space, so the density resembles real
music. A "request" at scale is what Recommender.recommend does with the index: one search for the pool (k = 300,
the pool for n = 20) over everything, or over a genre's rows (a genre holding 10% of the tracks). Writes the
`recommender` section of bench/RESULTS.md (docs/recommender.md quotes it).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.results import machine_line, write_section
from services.playlist.genres.mapping import load_genre_mapper
from services.playlist.recommend.album import recommend_album
from services.playlist.recommend.candidates import MIN_POOL
from services.playlist.recommend.catalog import Catalog, load_catalog
from services.playlist.recommend.index import ExactIndex, FeatureIndex
from services.playlist.recommend.recommender import Recommender, parse_request
from shared.features import AUDIO_FEATURES, denormalise
from shared.recommendation import AlbumRequest

POOL = MIN_POOL
QUERIES = 200


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _latency(index: FeatureIndex, queries: np.ndarray, *, rows: np.ndarray | None) -> tuple[float, float]:
    """p50 and p95 milliseconds of one pool search per query."""
    index.search(queries[0], k=POOL, rows=rows)  # warm-up (faiss builds the genre bitmap here)
    times = []
    for query in queries:
        start = time.perf_counter()
        index.search(query, k=POOL, rows=rows)
        times.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def _random_features(catalog: Catalog, rng: np.random.Generator, count: int) -> list[dict[str, float]]:
    rows = rng.choice(len(catalog), size=count)
    norm = np.clip(catalog.normalised[rows] + rng.normal(0, 0.05, size=(count, 8)), 0, 1)
    raw = denormalise(norm.astype(np.float32))
    return [{name: float(v) for name, v in zip(AUDIO_FEATURES, row, strict=True)} for row in raw]


def bench_real(lines: list[str]) -> Recommender:
    """Full recommend() latency on the shipped catalog, per request kind."""
    catalog = load_catalog()
    recommender = Recommender(catalog, load_genre_mapper())
    rng = np.random.default_rng(0)
    targets = _random_features(catalog, rng, QUERIES)
    genres = [catalog.genres[int(r)][0] for r in rng.choice(len(catalog), size=QUERIES) if catalog.genres[int(r)]]
    lines += [
        f"### Real catalog: {len(catalog)} tracks, full `Recommender.recommend()` (n = 20, {QUERIES} queries)",
        "",
        "| request | p50 ms | p95 ms |",
        "|---|---|---|",
    ]
    kinds: dict[str, Callable[[int], dict[str, Any]]] = {
        "features only": lambda i: {"features": targets[i]},
        "one genre, filter": lambda i: {"features": targets[i], "genres": [genres[i % len(genres)]]},
        "two genres, boost": lambda i: {
            "features": targets[i],
            "genres": [genres[i % len(genres)], genres[(i + 1) % len(genres)]],
            "genre_match": "boost",
        },
        "n = 100, diversity 0.5": lambda i: {"features": targets[i], "n": 100, "diversity": 0.5},
    }
    for label, make in kinds.items():
        requests = [parse_request(make(i)) for i in range(QUERIES)]
        recommender.recommend(requests[0])  # warm caches
        times = []
        for request in requests:
            start = time.perf_counter()
            recommender.recommend(request)
            times.append((time.perf_counter() - start) * 1000)
        lines.append(f"| {label} | {np.percentile(times, 50):.2f} | {np.percentile(times, 95):.2f} |")
    _bench_albums(recommender, targets, lines)
    lines.append("")
    return recommender


def _bench_albums(recommender: Recommender, targets: list[dict[str, float]], lines: list[str]) -> None:
    """recommend_album() rows for the same table: 6 photos (n = 18) and 30 photos (n = 60), 40 albums each."""
    for photos, n in ((6, 18), (30, 60)):
        albums = [
            AlbumRequest.model_validate(
                {"photos": [targets[(i * photos + k) % QUERIES] for k in range(photos)], "n": n}
            )
            for i in range(40)
        ]
        recommend_album(recommender, albums[0])
        times = []
        for album in albums:
            start = time.perf_counter()
            recommend_album(recommender, album)
            times.append((time.perf_counter() - start) * 1000)
        lines.append(
            f"| album, {photos} photos, n = {n} | {np.percentile(times, 50):.2f} | {np.percentile(times, 95):.2f} |"
        )


def _synthetic(base: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    out = np.empty((size, base.shape[1]), dtype=np.float32)
    step = 1_000_000
    for start in range(0, size, step):
        stop = min(start + step, size)
        rows = rng.integers(0, base.shape[0], size=stop - start)
        out[start:stop] = base[rows] + rng.normal(0, 0.15, size=(stop - start, base.shape[1])).astype(np.float32)
    return out


def _indexes(vectors: np.ndarray) -> dict[str, Callable[[], FeatureIndex]]:
    makers: dict[str, Callable[[], FeatureIndex]] = {"exact (numpy blocks)": lambda: ExactIndex(vectors)}
    try:
        import faiss

        from services.playlist.recommend.index import FaissIVFIndex

        faiss.omp_set_num_threads(min(2, os.cpu_count() or 1))
        makers["faiss IVF, nprobe 16"] = lambda: FaissIVFIndex(vectors, nprobe=16)
    except ImportError:
        pass
    return makers


def bench_synthetic(size: int, base: np.ndarray, lines: list[str]) -> None:
    """Index build time, memory, request latency and recall at one synthetic size."""
    rng = np.random.default_rng(size)
    vectors = _synthetic(base, size, rng)
    genre_rows = np.sort(rng.choice(size, size=size // 10, replace=False))
    repeats = 20 if size > 2_000_000 else 40
    queries = vectors[rng.integers(0, size, size=repeats)] + rng.normal(0, 0.1, size=(repeats, 8)).astype(np.float32)
    truth: dict[str, list[set[int]]] = {}
    lines += [
        f"### Synthetic catalog: {size:,} tracks (k = {POOL}, {repeats} queries)",
        "",
        "| index | build s | index MB (RSS growth) | p50 ms all | p95 ms all | p50 ms genre (10%) "
        "| recall@k all | recall@k genre |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, make in _indexes(vectors).items():
        before, start = _rss_mb(), time.perf_counter()
        index = make()
        build_s, grown = time.perf_counter() - start, _rss_mb() - before
        if isinstance(index, ExactIndex):
            grown = index.nbytes / 2**20  # it shares the caller's vectors; count them as its own
        p50, p95 = _latency(index, queries, rows=None)
        g50, _ = _latency(index, queries, rows=genre_rows)
        found_all = [set(index.search(qv, k=POOL)[0].tolist()) for qv in queries[:10]]
        found_genre = [set(index.search(qv, k=POOL, rows=genre_rows)[0].tolist()) for qv in queries[:10]]
        if not truth:
            truth = {"all": found_all, "genre": found_genre}
        recall_all = np.mean([len(a & b) / POOL for a, b in zip(found_all, truth["all"], strict=True)])
        recall_genre = np.mean([len(a & b) / POOL for a, b in zip(found_genre, truth["genre"], strict=True)])
        lines.append(
            f"| {label} | {build_s:.1f} | {grown:.0f} | {p50:.1f} | {p95:.1f} | {g50:.1f} "
            f"| {recall_all:.3f} | {recall_genre:.3f} |"
        )
        print(lines[-1], flush=True)
        del index
    lines.append("")


def bench_pipeline(size: int, real: Catalog, lines: list[str]) -> None:
    """Full recommend() over a synthetic catalog of `size` tracks, with the index choose_index picks for that size."""
    rng = np.random.default_rng(7)
    baseline = _rss_mb()
    base = rng.integers(0, len(real), size=size)
    norm = np.clip(real.normalised[base] + rng.normal(0, 0.05, size=(size, 8)).astype(np.float32), 0, 1)
    frame = pd.DataFrame(denormalise(norm), columns=list(AUDIO_FEATURES))
    frame.insert(0, "track_id", [f"s{i:09d}" for i in range(size)])
    frame["name"] = [f"Track {i}" for i in range(size)]
    frame["artist"] = [f"Artist {i % (size // 5)}" for i in range(size)]
    frame["genres"] = [real.genres[int(b)] for b in base]
    mapper = load_genre_mapper()
    start = time.perf_counter()
    catalog = Catalog.from_frame(frame, source="synthetic")
    del frame, norm, base  # what stays is what a service holding this catalog would hold
    catalog_mb = _rss_mb() - baseline
    recommender = Recommender(catalog, mapper)
    setup_s, total_mb = time.perf_counter() - start, _rss_mb() - baseline
    targets = _random_features(real, rng, 60)
    lines += [
        f"### Synthetic catalog: {size:,} tracks, full `Recommender.recommend()` (n = 20, 60 queries)",
        "",
        f"Index chosen: {type(recommender.index).__name__}; catalog + recommender set-up {setup_s:.0f} s; "
        f"resident memory after set-up: catalog {catalog_mb:.0f} MB, catalog + recommender + index {total_mb:.0f} MB "
        "(synthetic names are short, so real metadata would take more).",
        "",
        "| request | p50 ms | p95 ms |",
        "|---|---|---|",
    ]
    for label, genres in (("features only", None), ("one genre, filter", ["hip-hop"]), ("two genres", ["rock", "pop"])):
        times = []
        for features in targets:
            request = parse_request({"features": features, "genres": genres})
            start = time.perf_counter()
            recommender.recommend(request)
            times.append((time.perf_counter() - start) * 1000)
        lines.append(f"| {label} | {np.percentile(times, 50):.2f} | {np.percentile(times, 95):.2f} |")
        print(lines[-1], flush=True)
    lines.append("")


def main() -> None:
    """Run the benchmark; write the `recommender` section of bench/RESULTS.md."""
    large = os.environ.get("PRESSEDPLAY_BENCH_10M") == "1"
    sizes = [1_000_000, 10_000_000] if large else [1_000_000]
    lines = [
        "## Recommender: the real catalog, and synthetic catalogs of " + " and ".join(f"{s:,}" for s in sizes),
        "",
        machine_line(),
        f"Command: `{'PRESSEDPLAY_BENCH_10M=1 ' if large else ''}python -m bench recommender` (make bench sets "
        "PRESSEDPLAY_BENCH_10M=1). The CPUs are shared, so latencies vary run to run.",
        "",
    ]
    recommender = bench_real(lines)
    print("\n".join(lines), flush=True)
    for size in sizes:
        bench_synthetic(size, recommender.vectors, lines)
    bench_pipeline(1_000_000, recommender.catalog, lines)
    lines.append(f"Peak resident memory of the benchmark process: {_peak_mb():.0f} MB.")
    write_section("recommender", "\n".join(lines))
    print("wrote bench/RESULTS.md")


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main()
