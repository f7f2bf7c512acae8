"""An album through the gateway of the whole stack: 6 and 30 photo-like JPEGs of about 1 MB each, one upload at a
time, to one playlist (issue 25's budget: 30 photos of 1 MB in under 3 s on this machine).

    python -m bench album
    PRESSEDPLAY_BENCH_ALBUM_RUNS=10 python -m bench album   # more uploads per size (steadier percentiles)

Starts the stack as `python -m bench e2e` does (local processes, Redis sessions, the shipped model and catalog),
warms it with two albums, then times each upload from the first byte sent to the answer, and reads the gateway's
Server-Timing (where the time goes). Writes the `album` section of bench/RESULTS.md.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.bench_decode import phone_jpeg
from bench.results import machine_line, write_section
from bench.stack import running_stack

SIZES = (6, 30)
FORM = {"genres": "pop,rock", "n": "60"}


def album_photos(count: int) -> list[bytes]:
    """`count` different photo-like JPEGs of about 1 MB (2400 x 1800 px, the size a phone's 'large' share makes)."""
    return [phone_jpeg(2400, 1800, seed=seed) for seed in range(count)]


def _upload(client: httpx.Client, photos: list[bytes]) -> tuple[float, dict[str, float]]:
    files = [("image", (f"{i}.jpg", data, "image/jpeg")) for i, data in enumerate(photos)]
    start = time.perf_counter()
    response = client.post("/v1/playlists", files=files, data=FORM)
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    spans = {}
    for part in response.headers.get("Server-Timing", "").split(","):
        name, _, dur = part.strip().partition(";dur=")
        if dur:
            spans[name] = float(dur)
    return elapsed, spans


def main() -> None:
    """Time the album sizes and write the results."""
    runs = int(os.environ.get("PRESSEDPLAY_BENCH_ALBUM_RUNS", "5"))
    photos = album_photos(max(SIZES))
    megabytes = sum(len(p) for p in photos) / len(photos) / 1e6
    lines = ["| photos | MB sent | p50 s | max s | gateway spans, median ms |", "|---|---|---|---|---|"]
    with (
        tempfile.TemporaryDirectory() as folder,
        running_stack(Path(folder)) as stack,
        httpx.Client(base_url=stack.url("gateway"), timeout=120) as client,
    ):
        for size in SIZES:
            _upload(client, photos[:size])  # warm-up: the first batch shapes are slow
        for size in SIZES:
            timings = [_upload(client, photos[:size]) for _ in range(runs)]
            seconds = [t for t, _ in timings]
            names = sorted({name for _, spans in timings for name in spans})
            spans = ", ".join(f"{name} {statistics.median(s.get(name, 0.0) for _, s in timings):.0f}" for name in names)
            sent = sum(len(p) for p in photos[:size]) / 1e6
            lines.append(f"| {size} | {sent:.1f} | {statistics.median(seconds):.2f} | {max(seconds):.2f} | {spans} |")
    table = "\n".join(lines)
    print(table, flush=True)
    body = "\n".join(
        [
            "## An album: several photos to one playlist through the gateway",
            "",
            machine_line(),
            f"Command: `python -m bench album`. Photo-like JPEGs of 2400 x 1800 px ({megabytes:.1f} MB each on",
            f"average), `genres=pop,rock`, `n=60`, {runs} uploads per size one at a time after a warm-up album of",
            "each size; the whole stack as local processes with Redis sessions.",
            "",
            table,
        ]
    )
    write_section("album", body)
    print("wrote bench/RESULTS.md", flush=True)
