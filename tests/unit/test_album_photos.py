"""An album's uploads judged before any decoding (issue 25): what each kind of bad photo gets (left out, named in a
warning) and what a bad album gets (422 / 413), and the order photos are played in."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from PIL import Image

from services.gateway.album_photos import (
    AlbumLimits,
    NoReadablePhoto,
    Photo,
    TooManyPhotos,
    read_album,
)
from shared.errors import PayloadTooLarge

LIMITS = AlbumLimits(max_photos=5, max_photo_bytes=50_000, max_bytes=120_000, max_pixels=100_000)


def jpeg(colour: tuple[int, int, int] = (200, 80, 40), size: tuple[int, int] = (64, 48), taken: str = "") -> bytes:
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def upload(data: bytes, name: str = "a.jpg", content_type: str = "image/jpeg") -> Photo:
    return Photo(data=data, content_type=content_type, filename=name)


def test_photos_keep_the_order_given_by_default() -> None:
    uploads = [upload(jpeg(taken="2026:07:01 18:00:00"), "evening.jpg"), upload(jpeg(taken="2026:07:01 08:00:00"))]
    photos, warnings = read_album(uploads, LIMITS, order="given")
    assert [p.index for p in photos] == [0, 1] and warnings == []
    assert photos[0].taken_at == datetime(2026, 7, 1, 18, 0, 0)


def test_order_taken_plays_them_by_when_they_were_taken_those_without_a_time_last_in_given_order() -> None:
    uploads = [
        upload(jpeg(), "no-time-1.jpg"),
        upload(jpeg(taken="2026:07:01 18:00:00"), "evening.jpg"),
        upload(jpeg(), "no-time-2.jpg"),
        upload(jpeg(taken="2026:07:01 08:00:00"), "morning.jpg"),
        upload(jpeg(taken="not a time"), "garbled.jpg"),
    ]
    photos, _ = read_album(uploads, LIMITS, order="taken")
    assert [p.filename for p in photos] == [
        "morning.jpg",
        "evening.jpg",
        "no-time-1.jpg",
        "no-time-2.jpg",
        "garbled.jpg",
    ]


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        (upload(b"this is not an image", "notes.jpg"), "not a readable image"),
        (upload(jpeg()[:40], "cut.jpg"), "not a readable image"),
        (upload(b"", "empty.jpg"), "empty"),
        (upload(jpeg(), "doc.pdf", "application/pdf"), "application/pdf, not an image"),
        (upload(jpeg(size=(400, 300)) + b"\0" * 50_000, "huge.jpg"), "over the 50,000-byte limit for a photo"),
        (upload(jpeg(size=(320, 320)), "many-pixels.jpg"), None),  # 102,400 pixels: alone it is over the album's
    ],
    ids=["text", "truncated-header", "empty", "not-image-type", "too-many-bytes", "fine-alone"],
)
def test_a_photo_that_cannot_be_used_is_left_out_and_named(bad: Photo, why: str | None) -> None:
    good = upload(jpeg(), "good.jpg")
    if why is None:
        with pytest.raises(PayloadTooLarge, match="megapixels in all"):
            read_album([good, bad], LIMITS, order="given")
        return
    photos, warnings = read_album([good, bad], LIMITS, order="given")
    assert [p.filename for p in photos] == ["good.jpg"]
    assert (
        len(warnings) == 1 and warnings[0].startswith(f"photo 2 ({bad.filename}) was left out") and why in warnings[0]
    )


def test_an_album_with_no_readable_photo_is_422_naming_each() -> None:
    with pytest.raises(NoReadablePhoto, match=r"photo 1 \(x.jpg\).*photo 2 \(y.jpg\)"):
        read_album([upload(b"nope", "x.jpg"), upload(b"", "y.jpg")], LIMITS, order="given")


def test_more_photos_than_allowed_is_422_before_any_is_opened() -> None:
    uploads = [upload(b"never opened")] * 6
    with pytest.raises(TooManyPhotos, match="at most 5 photos; 6 were sent"):
        read_album(uploads, LIMITS, order="given")


def test_more_bytes_in_all_than_allowed_is_413() -> None:
    uploads = [upload(b"\xff" * 45_000)] * 3
    with pytest.raises(PayloadTooLarge, match="135,000 bytes in all, over the 120,000-byte limit"):
        read_album(uploads, LIMITS, order="given")


def test_a_decompression_bomb_header_is_left_out_without_decoding() -> None:
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, format="PNG")  # 100 MP in a few kB
    photos, warnings = read_album(
        [upload(jpeg()), upload(buffer.getvalue(), "bomb.png", "image/png")], LIMITS, order="given"
    )
    assert len(photos) == 1 and "100 megapixels, over the 40 MP limit" in warnings[0]


def test_a_rating_names_one_photo_per_track_or_none() -> None:
    from pydantic import ValidationError

    from shared.features import AudioFeatures
    from shared.rating import RatingIn
    from tests.unit.test_recommender import MID

    body = {"playlist_id": "p1", "rating": 1, "features": AudioFeatures.model_validate(MID), "model_version": "m"}
    assert RatingIn.model_validate(body | {"track_ids": ["a", "b"], "track_photos": [0, 1]}).track_photos == [0, 1]
    assert RatingIn.model_validate(body | {"track_ids": ["a", "b"]}).track_photos == []
    with pytest.raises(ValidationError, match="track_photos names 1 photos for 2 track_ids"):
        RatingIn.model_validate(body | {"track_ids": ["a", "b"], "track_photos": [0]})
    with pytest.raises(ValidationError, match="less than 30"):
        RatingIn.model_validate(body | {"track_ids": ["a"], "track_photos": [30]})
