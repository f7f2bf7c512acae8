"""The album's cover (services/gateway/collage.py): the photos in their order as centre-cropped tiles of one square
JPEG that Spotify takes, upright, with an unreadable photo left out as the album leaves it out."""

from __future__ import annotations

import base64
import colorsys
import io
import random
import struct
import zlib

import pytest
from PIL import Image

from services.gateway.collage import MAX_BYTES, SIDE, CollageUnusable, collage_jpeg, tile_boxes
from services.playlist.spotify.publish import MAX_COVER_BASE64, cover_jpeg_base64

Colour = tuple[int, int, int]


def encoded(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def solid(colour: Colour, size: tuple[int, int] = (300, 200)) -> bytes:
    return encoded(Image.new("RGB", size, colour), quality=95)


def distinct_colours(count: int) -> list[Colour]:
    """Colours far apart: hues around the wheel, alternating bright and dark."""
    colours = []
    for i in range(count):
        r, g, b = colorsys.hsv_to_rgb(i / count, 0.9, 1.0 if i % 2 == 0 else 0.55)
        colours.append((round(r * 255), round(g * 255), round(b * 255)))
    return colours


def centre_colour(collage: Image.Image, box: tuple[int, int, int, int]) -> Colour:
    """The mean colour of the middle of a tile (away from its edges, where JPEG blurs neighbours together)."""
    left, top, right, bottom = box
    inset_x, inset_y = (right - left) // 4, (bottom - top) // 4
    middle = collage.crop((left + inset_x, top + inset_y, right - inset_x, bottom - inset_y)).convert("RGB")
    return pixel(middle.resize((1, 1), Image.Resampling.BOX), (0, 0))


def pixel(image: Image.Image, xy: tuple[int, int]) -> Colour:
    value = image.convert("RGB").getpixel(xy)
    assert isinstance(value, tuple)
    return value  # type: ignore[return-value]


def distance(a: Colour, b: Colour) -> float:
    return float(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5)


def opened(jpeg: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG"
    return image


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 6, 7, 9, 12, 30])
def test_each_photo_fills_its_tile_in_the_photos_order(count: int) -> None:
    colours = distinct_colours(count)
    collage = opened(collage_jpeg([solid(colour) for colour in colours]))
    assert collage.size == (SIDE, SIDE)
    for index, box in enumerate(tile_boxes(count)):
        seen = centre_colour(collage, box)
        nearest = min(range(count), key=lambda i: distance(colours[i], seen))
        assert nearest == index, (count, index, seen, colours[index])
        assert distance(colours[index], seen) < 30


@pytest.mark.parametrize(
    ("count", "rows"),
    [(1, [1]), (2, [2]), (3, [1, 2]), (4, [2, 2]), (6, [3, 3]), (7, [2, 2, 3]), (9, [3, 3, 3]), (30, [6] * 5)],
)
def test_the_layout_is_rows_with_the_wider_tiles_first_covering_the_square(count: int, rows: list[int]) -> None:
    boxes = tile_boxes(count)
    tops = sorted({top for _, top, _, _ in boxes})
    assert [sum(1 for box in boxes if box[1] == top) for top in tops] == rows
    assert min(box[0] for box in boxes) == 0 and min(box[1] for box in boxes) == 0
    assert max(box[2] for box in boxes) == SIDE and max(box[3] for box in boxes) == SIDE
    covered = sum((right - left) * (bottom - top) for left, top, right, bottom in boxes)
    assert covered > 0.93 * SIDE * SIDE  # only the thin gutters are left
    for a in boxes:  # no two tiles overlap
        for b in boxes:
            if a is not b:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_a_wide_photo_in_a_tall_tile_is_cropped_to_its_centre() -> None:
    wide = Image.new("RGB", (1200, 400), (20, 40, 220))  # blue sides ...
    wide.paste((230, 30, 30), (450, 0, 750, 400))  # ... and a red middle wider than the tile's share of it
    collage = opened(collage_jpeg([encoded(wide), solid((40, 200, 40))]))
    left, top, right, bottom = tile_boxes(2)[0]
    assert (right - left) < (bottom - top)  # two photos: tall tiles side by side
    for x in (left + 6, (left + right) // 2, right - 6):  # red from edge to edge: the blue sides were cropped away
        r, g, b = pixel(collage, (x, (top + bottom) // 2))
        assert r > 180 and b < 90, (x, (r, g, b))


def test_a_photo_is_turned_upright_by_its_exif_orientation() -> None:
    stored = Image.new("RGB", (400, 300), (230, 30, 30))  # left half red, right half blue as stored ...
    stored.paste((20, 40, 220), (200, 0, 400, 300))
    exif = Image.Exif()
    exif[0x0112] = 6  # ... shown rotated 90 degrees clockwise: red on top, blue below
    collage = opened(collage_jpeg([encoded(stored, exif=exif.tobytes())]))
    top, bottom = pixel(collage, (SIDE // 2, SIDE // 5)), pixel(collage, (SIDE // 2, SIDE * 4 // 5))
    assert top[0] > 180 and top[2] < 90, top
    assert bottom[2] > 180 and bottom[0] < 90, bottom


def test_a_transparent_png_is_laid_on_white() -> None:
    clear = encoded(Image.new("RGBA", (200, 200), (0, 0, 0, 0)), "PNG")
    collage = opened(collage_jpeg([clear]))
    assert min(pixel(collage, (SIDE // 2, SIDE // 2))) > 240


def noisy_photo(seed: int, size: tuple[int, int] = (800, 600)) -> bytes:
    """The worst case for JPEG: every pixel random, so nothing compresses."""
    rng = random.Random(seed)
    return encoded(Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3)), quality=90)


@pytest.mark.parametrize("count", [1, 4, 30])
def test_even_photos_of_pure_noise_make_a_cover_spotify_takes(count: int) -> None:
    jpeg = collage_jpeg([noisy_photo(seed) for seed in range(count)])
    assert len(jpeg) <= MAX_BYTES
    image = opened(jpeg)
    assert image.width == image.height >= 320
    # The playlist service re-encodes whatever the gateway sends for Spotify's 256 KB of base64: it takes this one.
    cover = base64.b64decode(cover_jpeg_base64(jpeg))
    assert len(base64.b64encode(cover)) <= MAX_COVER_BASE64
    assert opened(cover).size[0] == opened(cover).size[1]


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels: a decompression bomb is refused from this header alone."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))


@pytest.mark.parametrize(
    "unreadable",
    [
        b"",
        b"not an image at all",
        solid((0, 0, 0))[:300],  # a truncated JPEG
        png_header_only(100_000, 100_000),  # ten gigapixels claimed
        b"%!PS-Adobe-3.0 EPSF-3.0\n",  # a format PIL knows but uploads may not use
    ],
    ids=["empty", "text", "truncated-jpeg", "decompression-bomb", "eps"],
)
def test_an_unreadable_photo_is_left_out_and_the_others_close_up(unreadable: bytes) -> None:
    red, blue = (230, 30, 30), (20, 40, 220)
    collage = opened(collage_jpeg([solid(red), unreadable, solid(blue)]))
    left, right = tile_boxes(2)  # two readable photos: the layout of two, not three with a hole
    assert distance(centre_colour(collage, left), red) < 30
    assert distance(centre_colour(collage, right), blue) < 30


def test_no_readable_photo_is_a_clear_422() -> None:
    with pytest.raises(CollageUnusable, match="none of the 2 photos") as raised:
        collage_jpeg([b"text", b""])
    assert raised.value.status_code == 422


@pytest.mark.parametrize(("count", "message"), [(0, "at least one photo"), (31, "at most 30 photos, not 31")])
def test_no_photos_or_more_than_an_album_holds_is_refused(count: int, message: str) -> None:
    with pytest.raises(CollageUnusable, match=message):
        collage_jpeg([solid((10, 10, 10), (8, 8))] * count)
