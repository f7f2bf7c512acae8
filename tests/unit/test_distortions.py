"""The nine distortions: each does what its name says, keeps size and mode, and is reproducible under a seed."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageFilter, ImageOps

from pipeline.data.dataset import keyed_rng
from pipeline.data.distortions import (
    DISTORTION_NAMES,
    DISTORTIONS,
    choose_distortions,
    distort,
    distortion_named,
    encode_jpeg,
    prepare_cover,
)


def _pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.float64)


def _gradient(size: int = 64) -> Image.Image:
    ramp = np.linspace(0, 255, size)
    rgb = np.stack([np.tile(ramp, (size, 1)), np.tile(ramp[:, None], (1, size)), np.full((size, size), 128.0)], -1)
    return Image.fromarray(rgb.astype(np.uint8), mode="RGB")


def _checkerboard(size: int = 64, cell: int = 2) -> Image.Image:
    grid = ((np.indices((size, size)) // cell).sum(axis=0) % 2 * 255).astype(np.uint8)
    return Image.fromarray(np.stack([grid] * 3, -1), mode="RGB")


def _edge_energy(image: Image.Image) -> float:
    gray = _pixels(image.convert("L"))
    return float(np.abs(np.diff(gray, axis=0)).mean() + np.abs(np.diff(gray, axis=1)).mean())


def _apply(name: str, image: Image.Image, seed: int = 1) -> Image.Image:
    return distortion_named(name)(image, np.random.default_rng(seed))


def test_there_are_the_original_nine_distortions_in_its_order():
    assert DISTORTION_NAMES == (
        "rotation",
        "horizontal_flip",
        "vertical_flip",
        "zoom_and_crop",
        "brightness_and_contrast",
        "saturation_and_hue",
        "gaussian_noise",
        "gaussian_blur",
        "sharpen",
    )


@pytest.mark.parametrize("name", DISTORTION_NAMES)
def test_every_distortion_keeps_size_and_mode_and_changes_the_pixels(name):
    image = _gradient(48)
    out = _apply(name, image)
    assert out.size == image.size
    assert out.mode == "RGB"
    assert not np.array_equal(_pixels(out), _pixels(image))


def test_horizontal_flip_mirrors_left_and_right():
    image = _gradient()
    assert np.array_equal(_pixels(_apply("horizontal_flip", image)), _pixels(image)[:, ::-1])


def test_vertical_flip_mirrors_top_and_bottom():
    image = _gradient()
    assert np.array_equal(_pixels(_apply("vertical_flip", image)), _pixels(image)[::-1])


def test_rotation_moves_a_dot_around_the_centre_at_the_same_distance():
    rotation = distortion_named("rotation")
    params = rotation.draw(np.random.default_rng(3))
    image = Image.new("RGB", (101, 101), "black")
    image.putpixel((80, 50), (255, 255, 255))
    out = _pixels(rotation.apply(image.filter(ImageFilter.MaxFilter(3)), params)).sum(axis=2)
    y, x = np.unravel_index(np.argmax(out), out.shape)
    angle = np.degrees(np.arctan2(-(y - 50), x - 50))  # counter-clockwise, as PIL rotates
    assert np.hypot(x - 50, y - 50) == pytest.approx(30, abs=2)
    assert angle == pytest.approx(params["degrees"], abs=4)
    assert params["degrees"] != 0


def test_zoom_and_crop_shows_a_narrower_part_of_the_image_at_full_size():
    out = _pixels(_apply("zoom_and_crop", _gradient(100)))
    red_span = out[50, -1, 0] - out[50, 0, 0]
    assert 0 < red_span < 240  # the full gradient spans 255; a zoom shows only part of it
    assert np.all(np.diff(out[50, :, 0]) >= -1)  # still left-to-right, not flipped or rotated


def test_brightness_and_contrast_change_mean_or_spread_but_keep_grey_grey():
    grey = Image.fromarray(np.tile(np.linspace(40, 200, 64), (64, 1)).astype(np.uint8)).convert("RGB")
    out = _pixels(_apply("brightness_and_contrast", grey))
    before = _pixels(grey)
    assert abs(out.mean() - before.mean()) > 1 or abs(out.std() - before.std()) > 1
    assert np.abs(out[..., 0] - out[..., 1]).max() <= 1


def test_saturation_and_hue_change_colour_but_leave_greys_alone():
    colour = Image.new("RGB", (32, 32), (200, 60, 40))
    grey = Image.new("RGB", (32, 32), (120, 120, 120))
    assert not np.array_equal(_pixels(_apply("saturation_and_hue", colour)), _pixels(colour))
    assert np.abs(_pixels(_apply("saturation_and_hue", grey)) - 120).max() <= 2


def test_gaussian_noise_is_zero_mean_and_spreads_a_flat_image():
    flat = Image.new("RGB", (64, 64), (128, 128, 128))
    out = _pixels(_apply("gaussian_noise", flat))
    assert abs(out.mean() - 128) < 1.5
    assert 3 < out.std() < 16


def test_gaussian_blur_removes_fine_detail():
    board = _checkerboard()
    assert _edge_energy(_apply("gaussian_blur", board)) < 0.6 * _edge_energy(board)


def test_sharpen_strengthens_edges():
    soft = _checkerboard(cell=8).filter(ImageFilter.GaussianBlur(2))
    assert _edge_energy(_apply("sharpen", soft)) > 1.1 * _edge_energy(soft)


def test_each_distortion_is_chosen_about_half_the_time_independently():
    rng = np.random.default_rng(0)
    draws = 4000
    counts = dict.fromkeys(DISTORTION_NAMES, 0)
    both_flips = 0
    for _ in range(draws):
        names = {d.name for d in choose_distortions(rng)}
        for name in names:
            counts[name] += 1
        both_flips += {"horizontal_flip", "vertical_flip"} <= names
    for name, count in counts.items():
        assert 0.46 < count / draws < 0.54, name
    assert 0.22 < both_flips / draws < 0.28  # independent choices: 1/2 x 1/2


def test_same_seed_gives_the_same_jpeg_bytes():
    cover = prepare_cover(_gradient(120), size=96)
    first, _ = distort(cover, rng=keyed_rng(7, "distort", "123", 0))
    second, _ = distort(cover, rng=keyed_rng(7, "distort", "123", 0))
    assert encode_jpeg(first) == encode_jpeg(second)


def test_different_pairs_of_one_cover_get_different_copies():
    cover = prepare_cover(_gradient(120), size=96)
    copies = {encode_jpeg(distort(cover, rng=keyed_rng(7, "distort", "123", n))[0]) for n in range(8)}
    assert len(copies) == 8


def test_distort_reports_the_distortions_it_applied_in_order():
    _, applied = distort(_gradient(), rng=np.random.default_rng(5))
    assert applied == [name for name in DISTORTION_NAMES if name in applied]
    assert set(applied) <= set(DISTORTION_NAMES)


def test_prepare_cover_centre_crops_to_a_square_rgb_of_the_requested_size():
    wide = Image.new("L", (300, 200), 90)
    out = prepare_cover(wide, size=64)
    assert out.size == (64, 64)
    assert out.mode == "RGB"


def test_unknown_distortion_name_lists_the_valid_ones():
    with pytest.raises(KeyError, match="sharpen"):
        distortion_named("swirl")


def test_distortion_parameters_are_drawn_from_their_documented_ranges():
    rng = np.random.default_rng(11)
    for distortion in DISTORTIONS:
        params = [distortion.draw(rng) for _ in range(200)]
        if distortion.name == "rotation":
            assert all(-25 <= p["degrees"] <= 25 for p in params)
        if distortion.name == "zoom_and_crop":
            assert all(0.7 <= p["scale"] <= 0.92 for p in params)


def test_prepare_cover_turns_an_exif_rotated_photo_upright():
    tall = Image.new("RGB", (40, 80), "red")
    tall.paste((0, 0, 255), (0, 0, 40, 30))  # a blue band at the top: it ends up on the right once upright
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    buffer = io.BytesIO()
    tall.save(buffer, format="JPEG", exif=exif)
    reopened = Image.open(buffer)
    upright = ImageOps.exif_transpose(reopened)
    assert upright.size == (80, 40)
    prepared = _pixels(prepare_cover(reopened, size=32))
    assert np.array_equal(prepared, _pixels(prepare_cover(upright, size=32)))
    assert prepared[16, -1, 2] > 200  # blue at the right edge: turned, not merely cropped
