"""The pure parts of the Spotify side: artist weighting, count^1.5 sampling, the cover, finding refused tracks."""

from __future__ import annotations

import asyncio
import base64
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from services.playlist.genres.mapping import GenreMapper
from services.playlist.recommend.catalog import catalog_from_records
from services.playlist.spotify.oauth import authorize_url, s256_challenge
from services.playlist.spotify.profile import (
    DEFAULT_MIX,
    counts_from_artist_genres,
    counts_from_catalog,
    make_profile,
    sample_genres,
    weigh_artists,
)
from services.playlist.spotify.publish import MAX_COVER_BASE64, CoverImageUnusable, cover_jpeg_base64, fill_playlist
from services.playlist.spotify.webapi import ItemsRejected
from shared.errors import PayloadTooLarge
from tests.fakes.spotify_accounts import s256
from tests.unit.test_recommender import MID


def test_an_artist_counts_once_at_the_weight_of_its_most_recent_range() -> None:
    a, b = {"id": "a", "genres": ["uk drill"]}, {"id": "b", "genres": []}
    weighted = weigh_artists({"long_term": [a, b], "medium_term": [b], "short_term": [a]})
    assert [(artist["id"], weight) for artist, weight in weighted] == [("a", 3.0), ("b", 2.0)]


def test_micro_genres_are_counted_through_the_genre_map() -> None:
    mapper = GenreMapper({"bedroom pop": ["indie-pop", "chill"], "uk drill": ["hip-hop"]}, embeddings=None)
    artists = [({"genres": ["bedroom pop", "uk drill"]}, 3.0), ({"genres": ["uk drill"]}, 1.0)]
    assert counts_from_artist_genres(artists, mapper) == {"indie-pop": 3.0, "chill": 3.0, "hip-hop": 4.0}


def test_a_top_tracks_artist_counts_through_every_track_crediting_them_alone_jointly_or_featured() -> None:
    # A joint credit "Pritam, Arijit Singh" used to match no single name: 6,560 of the shipped catalog's 53,957 tracks
    # have one, and `counts_from_catalog([("pritam", 3.0)])` found none of Pritam's 41 tracks.
    records = [
        {"track_id": "solo", "name": "Tum Hi Ho", "artist": "Pritam", "genres": ["indian"]},
        {"track_id": "joint", "name": "Kesariya", "artist": "Pritam, Arijit Singh", "genres": ["indian", "movies"]},
        {"track_id": "featured", "name": "Night (feat. PRITAM)", "artist": "DJ X", "genres": ["edm"]},
        {"track_id": "longer", "name": "Other", "artist": "Pritam Chakraborty Band", "genres": ["rock"]},
    ]
    catalog = catalog_from_records([record | MID for record in records])
    # Weight 4 shared over the genre mentions of the three tracks crediting Pritam (not the band with a longer name).
    assert counts_from_catalog([("pritam", 4.0)], catalog) == {"indian": 2.0, "movies": 1.0, "edm": 1.0}
    assert counts_from_catalog([("Arijit  Singh", 1.0), ("nobody", 5.0), ("  ", 9.0)], catalog) == {
        "indian": 0.5,
        "movies": 0.5,
    }


def test_genres_are_drawn_with_probability_proportional_to_count_to_the_power_one_and_a_half() -> None:
    rng = np.random.default_rng(7)
    counts = {"heavy": 4.0, "light": 1.0}  # 4^1.5 = 8 against 1: heavy alone 8 times in 9
    draws = [sample_genres(counts, k=1, rng=rng)[0] for _ in range(9000)]
    assert draws.count("heavy") / len(draws) == pytest.approx(8 / 9, abs=0.015)


def test_at_most_five_distinct_genres_are_picked_and_all_when_five_or_fewer() -> None:
    rng = np.random.default_rng(0)
    many = {f"g{i}": float(i + 1) for i in range(12)}
    picked = sample_genres(many, rng=rng)
    assert len(picked) == len(set(picked)) == 5
    assert sample_genres({"a": 1.0, "b": 3.0}, rng=rng) == ["b", "a"]


def test_no_weights_make_the_default_mix() -> None:
    profile = make_profile(user_id="u", source="top_tracks", counts={}, rng=np.random.default_rng(0))
    assert profile.source == "default"
    assert set(profile.counts) == set(DEFAULT_MIX)


def test_the_authorize_url_carries_an_s256_challenge_of_the_verifier() -> None:
    url = authorize_url(accounts_url="http://a", client_id="c", redirect_uri="http://r", state="s", verifier="v" * 64)
    assert f"code_challenge={s256('v' * 64)}" in url
    assert s256_challenge("v" * 64) == s256("v" * 64)


def _jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 90).convert("RGB").save(buffer, format="JPEG", quality=98)
    return buffer.getvalue()


def test_a_large_noisy_photo_becomes_a_square_jpeg_cover_whose_base64_fits_256_kb() -> None:
    encoded = cover_jpeg_base64(_jpeg(4000, 2500))
    assert len(encoded) <= MAX_COVER_BASE64
    with Image.open(io.BytesIO(base64.b64decode(encoded))) as cover:
        assert (cover.format, cover.width == cover.height) == ("JPEG", True)


def test_bytes_that_are_not_an_image_cannot_become_a_cover() -> None:
    with pytest.raises(CoverImageUnusable):
        cover_jpeg_base64(b"not a photo")


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height, with no pixel data: tens of bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("width", "height"), [(20_000, 10_000), (8_000, 6_000)])
def test_a_photo_claiming_too_many_pixels_is_too_large_whatever_pillow_thinks_of_it(width: int, height: int) -> None:
    # 200 million pixels: Pillow's own bomb guard used to raise first (a 500); 48 million: our bound answers.
    with pytest.raises(PayloadTooLarge, match="more than 40,000,000 pixels"):
        cover_jpeg_base64(png_header(width, height))


def test_an_image_format_no_photo_comes_in_cannot_become_a_cover() -> None:
    # A DDS texture whose pixel format flags are 0: Pillow answers NotImplementedError (it was a 500); only the
    # formats every service accepts from a photo (shared/image_limits.py) are opened.
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="DDS")
    texture = bytearray(buffer.getvalue())
    texture[80:84] = bytes(4)
    with pytest.raises(CoverImageUnusable, match="cannot be read as an image"):
        cover_jpeg_base64(bytes(texture))


def test_refused_tracks_are_found_by_halving_and_replaced_in_order() -> None:
    gone = {"t1", "t5"}
    batches: list[list[str]] = []

    async def add(uris: list[str]) -> None:
        batches.append(uris)
        if any(uri.rsplit(":", 1)[1] in gone for uri in uris):
            raise ItemsRejected("Payload contains a non-existing ID")

    candidates = [f"t{i}" for i in range(10)]
    added, refused = asyncio.run(fill_playlist(add, candidates, 6))
    assert added == ["t0", "t2", "t3", "t4", "t6", "t7"]
    assert refused == 2
    batches.clear()
    gone.clear()
    gone.add("t37")
    added, refused = asyncio.run(fill_playlist(add, [f"t{i}" for i in range(101)], 100))
    assert (len(added), refused, "t37" in added) == (100, 1, False)
    assert len(batches) <= 16  # halving finds one refused track among 100 in ~2 log2(100) calls, not 100
