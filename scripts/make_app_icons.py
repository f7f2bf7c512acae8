"""The home-screen icons of the web app manifest (services/gateway/static/manifest.webmanifest), drawn from the
favicon's design (static/favicon.svg: a record on a 64-unit grid) with Pillow, so no SVG renderer is needed.

    python scripts/make_app_icons.py [--out services/gateway/static/icons]

Run once when the favicon changes; the PNGs are committed. "any" icons keep the favicon's transparent corners; the
maskable one fills its square with the page's ground colour and keeps the record inside the central 80% circle,
the safe zone a launcher's mask never cuts (https://www.w3.org/TR/appmanifest/#icon-masks).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Final

from PIL import Image, ImageDraw

OUT: Final = Path(__file__).resolve().parent.parent / "services" / "gateway" / "static" / "icons"
GROUND: Final = "#121317"
SUPERSAMPLE: Final = 4  # drawn 4x larger and scaled down: smooth circle edges without an SVG renderer
# (radius, fill, ring colour, ring width) on the favicon's 64-unit grid, outermost first.
RECORD: Final = (
    (30.0, "#1b1d23", None, 0.0),
    (24.0, None, "#3a3e4a", 2.0),
    (17.0, None, "#3a3e4a", 2.0),
    (9.0, "#ffb347", None, 0.0),
    (2.5, GROUND, None, 0.0),
)
ICONS: Final = (("icon-192.png", 192, False), ("icon-512.png", 512, False), ("icon-maskable-512.png", 512, True))


def record_icon(size: int, *, maskable: bool) -> Image.Image:
    """The favicon's record on a size x size square: full size, or inside the safe zone on the ground colour."""
    big = size * SUPERSAMPLE
    canvas = Image.new("RGBA", (big, big), GROUND if maskable else (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    # The record's outer edge (30 units) at 40% of the side in a maskable icon, at the edge of the 64 grid otherwise.
    unit = (0.4 * big / 30.0) if maskable else big / 64.0
    centre = big / 2
    for radius, fill, ring, width in RECORD:
        r = radius * unit
        box = (centre - r, centre - r, centre + r, centre + r)
        if fill:
            draw.ellipse(box, fill=fill)
        if ring:
            # SVG strokes are centred on the circle: half the width each side of the radius.
            half = width * unit / 2
            draw.ellipse(
                (box[0] - half, box[1] - half, box[2] + half, box[3] + half), outline=ring, width=round(2 * half)
            )
    return canvas.resize((size, size), Image.Resampling.LANCZOS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    out: Path = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in ICONS:
        path = out / name
        record_icon(size, maskable=maskable).save(path, format="PNG", optimize=True)
        print(f"{path.name}: {size}x{size}, {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
