"""The album's cover: the gateway's collage of an album's photos, then the playlist service's re-encode for Spotify.

    python -m bench collage

Photo-like JPEGs (bench_decode's phone_jpeg: gradients, shapes, sensor noise) of 1600 x 1200 (about 0.5 MB) and of
a 12 MP phone (4000 x 3000, about 3 MB), 1, 6 and 30 of them, through services/gateway/collage.py's collage_jpeg and
services/playlist/spotify/publish.py's cover_jpeg_base64. Median of 7 runs after one warm-up. Writes the `collage`
section of bench/RESULTS.md.
"""

from __future__ import annotations

from bench.bench_decode import RUNS, median_ms, phone_jpeg
from bench.results import machine_line, write_section
from services.gateway.collage import MAX_BYTES, collage_jpeg
from services.playlist.spotify.publish import MAX_COVER_BASE64, cover_jpeg_base64

SIZES = {"1600 x 1200": (1600, 1200), "4000 x 3000 (12 MP)": (4000, 3000)}
COUNTS = (1, 6, 30)


def row(label: str, photos: list[bytes]) -> str:
    """One table row: how long the collage and the cover re-encode take, and how big each comes out."""
    collage = collage_jpeg(photos)
    cover = cover_jpeg_base64(collage)
    collage_ms = median_ms(lambda: collage_jpeg(photos))
    cover_ms = median_ms(lambda: cover_jpeg_base64(collage))
    megabytes = sum(len(photo) for photo in photos) / 1e6
    return (
        f"| {len(photos)} x {label} | {megabytes:.1f} | {collage_ms:.0f} | {len(collage) / 1024:.0f} | "
        f"{cover_ms:.0f} | {len(cover) / 1024:.0f} |"
    )


def main() -> None:
    """Time each album size and write the table."""
    rows = []
    for label, (width, height) in SIZES.items():
        distinct = [phone_jpeg(width, height, seed=seed) for seed in range(6)]
        for count in COUNTS:
            if count == 30 and width > 2000:
                continue  # 30 x 3 MB is over any upload limit the gateway takes in one request
            rows.append(row(label, [distinct[i % len(distinct)] for i in range(count)]))
            print(rows[-1], flush=True)
    body = "\n".join(
        [
            "## The album's cover: collage and Spotify re-encode",
            "",
            machine_line(),
            "Command: `python -m bench collage`. Photo-like JPEGs at quality 90 (six distinct, repeated to the count).",
            f"Median of {RUNS} runs. Bounds: the collage at most {MAX_BYTES // 1024} KB, Spotify's cover at most "
            f"{MAX_COVER_BASE64 // 1024} KB of base64.",
            "",
            "| album | MB in | collage, ms | collage, KB | cover re-encode, ms | cover base64, KB |",
            "|---|---|---|---|---|---|",
            *rows,
        ]
    )
    write_section("collage", body)
    print(body)
