"""decode_image: every kind of upload (generated in memory, no committed photos) is decoded right or refused clearly."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from services.inference.model.image_io import ImageTooLarge, InvalidImage, decode_image
from shared.errors import InvalidInput, PayloadTooLarge

RED = (255, 0, 0)
BLUE = (0, 0, 255)
WHITE = (255, 255, 255)


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def raw_png(width: int, height: int, *, bit_depth: int, colour_type: int, rows: bytes) -> bytes:
    """A PNG written by hand, for forms PIL cannot write (48-bit RGB) or lies about its size (bombs)."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(rows))
        + png_chunk(b"IEND", b"")
    )


def close_to(pixel: object, expected: tuple[int, ...], tolerance: int = 6) -> bool:
    assert isinstance(pixel, tuple), pixel
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


# --- refused with a clear error ----------------------------------------------------------------------------------


def test_zero_byte_upload_is_rejected_as_empty() -> None:
    with pytest.raises(InvalidImage, match="empty"):
        decode_image(b"")


def test_text_is_rejected_as_not_an_image_naming_supported_formats() -> None:
    with pytest.raises(InvalidImage, match=r"not an image.*JPEG, PNG"):
        decode_image(b"hello, this is a text file and not a photo")


def test_heic_photo_is_rejected_with_advice_to_export_as_jpeg() -> None:
    heic_header = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    with pytest.raises(InvalidImage, match=r"HEIC.*JPEG"):
        decode_image(heic_header)


def test_formats_outside_the_allow_list_are_not_parsed() -> None:
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"
    with pytest.raises(InvalidImage, match="not an image"):
        decode_image(eps)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_image_is_rejected_as_corrupt_or_truncated(fmt: str) -> None:
    noise = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    data = encode(Image.fromarray(noise), fmt)
    with pytest.raises(InvalidImage, match=r"corrupt|truncated"):
        decode_image(data[: len(data) // 2])


def test_png_with_corrupt_pixel_data_is_rejected() -> None:
    data = bytearray(encode(Image.new("RGB", (32, 32), RED), "PNG"))
    start = data.index(b"IDAT") + 8
    data[start : start + 8] = b"\xff" * 8
    with pytest.raises(InvalidImage, match="corrupt"):
        decode_image(bytes(data))


def test_image_header_with_zero_width_is_rejected() -> None:
    with pytest.raises(InvalidImage):
        decode_image(raw_png(0, 10, bit_depth=8, colour_type=2, rows=b""))


def test_decompression_bomb_png_is_refused_from_its_header() -> None:
    # 100k x 100k declared over a few bytes: must fail before any allocation of 30 GB.
    bomb = raw_png(100_000, 100_000, bit_depth=8, colour_type=2, rows=b"\x00" * 10)
    with pytest.raises(ImageTooLarge, match="too large"):
        decode_image(bomb)


def test_dimensions_over_the_pixel_limit_are_refused_naming_the_limit() -> None:
    big = raw_png(8_000, 6_000, bit_depth=8, colour_type=0, rows=b"\x00" * 10)
    with pytest.raises(ImageTooLarge, match=r"8000x6000 = 48,000,000 pixels; the limit is 40,000,000"):
        decode_image(big)


def test_pixel_limit_is_per_call_and_leaves_pil_global_limit_alone() -> None:
    before = Image.MAX_IMAGE_PIXELS
    data = encode(Image.new("RGB", (100, 100), RED), "PNG")
    with pytest.raises(ImageTooLarge):
        decode_image(data, max_pixels=5_000)
    assert decode_image(data, max_pixels=10_000).size == (100, 100)
    assert before == Image.MAX_IMAGE_PIXELS


def test_jpeg_with_huge_declared_dimensions_is_refused() -> None:
    data = bytearray(encode(Image.new("RGB", (16, 16), RED), "JPEG"))
    sof = data.index(b"\xff\xc0")  # baseline frame header: length(2) precision(1) height(2) width(2)
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60_000, 60_000)
    with pytest.raises(ImageTooLarge):
        decode_image(bytes(data))


def test_errors_are_the_envelope_classes_clients_see() -> None:
    assert issubclass(InvalidImage, InvalidInput) and InvalidImage.status_code == 422
    assert issubclass(ImageTooLarge, PayloadTooLarge) and ImageTooLarge.status_code == 413


# --- decoded correctly ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "BMP", "TIFF", "GIF"])
def test_common_formats_decode_to_rgb(fmt: str) -> None:
    image = decode_image(encode(Image.new("RGB", (20, 10), RED), fmt))
    assert image.mode == "RGB" and image.size == (20, 10)
    assert close_to(image.getpixel((5, 5)), RED, tolerance=10)


def test_exif_orientation_is_applied_so_the_image_is_upright() -> None:
    stored = Image.new("RGB", (40, 20), RED)
    stored.paste(BLUE, (20, 0, 40, 20))  # left red, right blue as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    image = decode_image(encode(stored, "JPEG", exif=exif.tobytes(), quality=95))
    assert image.size == (20, 40)
    assert close_to(image.getpixel((10, 5)), RED, 20) and close_to(image.getpixel((10, 35)), BLUE, 20)


def test_cmyk_jpeg_is_converted_to_the_right_rgb_colours() -> None:
    cmyk = Image.new("CMYK", (16, 16), (0, 255, 255, 0))  # red ink
    cmyk.paste((255, 0, 0, 0), (8, 0, 16, 16))  # cyan ink
    image = decode_image(encode(cmyk, "JPEG", quality=95))
    assert image.mode == "RGB"
    assert close_to(image.getpixel((2, 8)), RED, 12) and close_to(image.getpixel((13, 8)), (0, 255, 255), 12)


def test_cmyk_tiff_is_converted_to_rgb() -> None:
    image = decode_image(encode(Image.new("CMYK", (8, 8), (0, 0, 0, 128)), "TIFF"))
    assert image.mode == "RGB" and close_to(image.getpixel((0, 0)), (127, 127, 127), 2)


def test_sixteen_bit_greyscale_is_scaled_not_clipped_to_white() -> None:
    values = np.full((8, 8), 32_768, dtype=np.uint16)
    values[:, 4:] = 65_535
    image = decode_image(encode(Image.fromarray(values), "PNG"))
    assert image.mode == "RGB"
    assert close_to(image.getpixel((0, 0)), (128, 128, 128), 1) and image.getpixel((7, 0)) == WHITE


def test_sixteen_bit_rgb_png_keeps_its_colours() -> None:
    row = b"\x00" + struct.pack(">HHH", 65_535, 0, 0) + struct.pack(">HHH", 0, 0, 32_768)
    image = decode_image(raw_png(2, 1, bit_depth=16, colour_type=2, rows=row))
    assert image.mode == "RGB"
    assert image.getpixel((0, 0)) == RED and close_to(image.getpixel((1, 0)), (0, 0, 128), 1)


def test_transparent_pixels_are_composited_on_white() -> None:
    rgba = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    rgba.paste((255, 0, 0, 128), (5, 0, 10, 10))  # half-transparent red
    image = decode_image(encode(rgba, "PNG"))
    assert image.mode == "RGB"
    assert image.getpixel((0, 0)) == WHITE and close_to(image.getpixel((7, 5)), (255, 127, 127), 2)


def test_greyscale_with_alpha_is_composited_on_white() -> None:
    image = decode_image(encode(Image.new("LA", (4, 4), (0, 0)), "PNG"))
    assert image.getpixel((0, 0)) == WHITE


def test_palette_image_decodes_to_its_palette_colours() -> None:
    palette_image = Image.new("RGB", (8, 8), BLUE).quantize(colors=4)
    assert palette_image.mode == "P"
    image = decode_image(encode(palette_image, "PNG"))
    assert image.mode == "RGB" and close_to(image.getpixel((3, 3)), BLUE, 2)


def test_palette_transparency_becomes_white() -> None:
    palette_image = Image.new("P", (6, 6), 1)
    palette_image.putpalette([*RED, *BLUE] + [0] * 762)
    image = decode_image(encode(palette_image, "GIF", transparency=1))
    assert image.getpixel((2, 2)) == WHITE


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "WEBP"])
def test_animated_image_decodes_its_first_frame(fmt: str) -> None:
    frames = [Image.new("RGB", (12, 12), colour) for colour in (RED, BLUE, (0, 255, 0))]
    data = encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    with Image.open(io.BytesIO(data)) as check:
        assert getattr(check, "n_frames", 1) == 3  # really animated
    image = decode_image(data)
    assert image.mode == "RGB" and close_to(image.getpixel((6, 6)), RED, 10)


@pytest.mark.parametrize("mode", ["1", "L", "I"])
def test_bilevel_greyscale_and_integer_images_become_rgb(mode: str) -> None:
    source = Image.new(mode, (4, 4), 1 if mode == "1" else 200)
    image = decode_image(encode(source, "TIFF" if mode == "I" else "PNG"))
    assert image.mode == "RGB" and image.size == (4, 4)
    expected = WHITE if mode == "1" else (200, 200, 200)
    assert image.getpixel((1, 1)) == expected


def test_unreadable_icc_profile_falls_back_instead_of_failing() -> None:
    data = encode(Image.new("RGB", (4, 4), RED), "JPEG", icc_profile=b"this is not an icc profile", quality=95)
    image = decode_image(data)
    assert close_to(image.getpixel((1, 1)), RED, 10)


def test_big_jpeg_can_be_decoded_at_a_reduced_scale_keeping_the_minimum_side() -> None:
    stored = Image.new("RGB", (2400, 1800), RED)
    stored.paste(BLUE, (1200, 0, 2400, 1800))
    image = decode_image(encode(stored, "JPEG", quality=90), min_side=512)
    assert image.size == (1200, 900)  # 1/2 scale: 1/4 would make the short side 450 < 512
    assert close_to(image.getpixel((100, 450)), RED, 12) and close_to(image.getpixel((1100, 450)), BLUE, 12)


def test_reduced_scale_leaves_small_jpegs_and_other_formats_at_full_size() -> None:
    assert decode_image(encode(Image.new("RGB", (300, 200), RED), "JPEG"), min_side=512).size == (300, 200)
    assert decode_image(encode(Image.new("RGB", (2400, 1800), RED), "PNG"), min_side=512).size == (2400, 1800)
