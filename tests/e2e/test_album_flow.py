"""End to end over real HTTP (issue 25): several photos become one playlist that moves with them, through the real
inference (the shipped model), playlist and gateway processes; and what a bad album gets."""

from __future__ import annotations

import io
from collections import Counter

import httpx
import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import Stack

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def photo(sky: tuple[int, int, int], ground: tuple[int, int, int], *, taken: str = "", sun: bool = False) -> bytes:
    """A generated landscape (no copyrighted photo): a sky over ground, optionally a sun, optionally an EXIF time."""
    image = Image.new("RGB", (480, 360), sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle([(0, 230), (480, 360)], fill=ground)
    if sun:
        draw.ellipse([(200, 120), (290, 210)], fill=(255, 230, 120))
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=88, exif=exif.tobytes())
    return buffer.getvalue()


GREY_RAIN = photo((110, 115, 120), (60, 62, 66), taken="2026:06:20 07:10:00")
SUNNY_BEACH = photo((90, 180, 250), (240, 215, 160), taken="2026:06:20 13:30:00", sun=True)
PINK_SUNSET = photo((250, 140, 170), (40, 40, 80), taken="2026:06:20 21:05:00", sun=True)


@pytest.fixture
def client(stack: Stack) -> httpx.Client:
    return httpx.Client(base_url=stack.gateway, timeout=120)


def album(client: httpx.Client, photos: list[tuple[str, bytes, str]], **form: str) -> httpx.Response:
    return client.post("/v1/playlists", files=[("image", p) for p in photos], data=form)


def test_an_album_becomes_one_playlist_grouped_by_its_photos_in_order(client: httpx.Client) -> None:
    sent = [
        ("sunset.jpg", PINK_SUNSET, "image/jpeg"),
        ("rain.jpg", GREY_RAIN, "image/jpeg"),
        ("beach.jpg", SUNNY_BEACH, "image/jpeg"),
    ]
    response = album(client, sent, n="9", genres="pop,rock")
    assert response.status_code == 201, response.text
    body = response.json()
    assert [p["filename"] for p in body["photos"]] == ["sunset.jpg", "rain.jpg", "beach.jpg"]
    assert [t["photo"] for t in body["tracks"]] == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert len({t["id"] for t in body["tracks"]}) == 9
    for place, reading in enumerate(body["photos"]):
        assert reading["index"] == place and reading["mood"] and reading["taken_at"].startswith("2026-06-20T")
    # The top-level reading is the photos' mean.
    mean_valence = sum(p["features"]["valence"] for p in body["photos"]) / 3
    assert body["features"]["valence"] == pytest.approx(mean_valence, abs=1e-3)
    # Read back, it is the same playlist.
    assert client.get(f"/v1/playlists/{body['id']}").json() == body


def test_order_taken_plays_the_photos_as_the_day_went(client: httpx.Client) -> None:
    sent = [
        ("c.jpg", PINK_SUNSET, "image/jpeg"),
        ("a.jpg", GREY_RAIN, "image/jpeg"),
        ("b.jpg", SUNNY_BEACH, "image/jpeg"),
    ]
    body = album(client, sent, n="6", order="taken").json()
    assert [p["filename"] for p in body["photos"]] == ["a.jpg", "b.jpg", "c.jpg"]
    assert [p["index"] for p in body["photos"]] == [1, 2, 0]  # indexes stay those of the photos as sent
    assert [t["photo"] for t in body["tracks"]] == [1, 1, 2, 2, 0, 0]


def test_one_unreadable_file_among_ten_leaves_nine_photos_and_a_warning_naming_it(client: httpx.Client) -> None:
    sent = [(f"p{i}.jpg", [GREY_RAIN, SUNNY_BEACH, PINK_SUNSET][i % 3], "image/jpeg") for i in range(10)]
    sent[3] = ("broken.jpg", b"\xff\xd8 not really a jpeg", "image/jpeg")
    response = album(client, sent, n="18")
    assert response.status_code == 201, response.text
    body = response.json()
    assert len(body["photos"]) == 9 and 3 not in [p["index"] for p in body["photos"]]
    assert any(w.startswith("photo 4 (broken.jpg) was left out") for w in body["warnings"])
    assert set(Counter(t["photo"] for t in body["tracks"]).values()) == {2}


def test_an_album_of_only_unreadable_files_is_422(client: httpx.Client) -> None:
    sent = [("a.jpg", b"nope", "image/jpeg"), ("b.txt", b"text", "text/plain")]
    response = album(client, sent)
    assert response.status_code == 422 and response.json()["error"] == "NoReadablePhoto"
    assert "photo 1 (a.jpg)" in response.json()["detail"] and "photo 2 (b.txt)" in response.json()["detail"]


def test_31_photos_is_422_and_an_album_over_the_size_limit_is_413(client: httpx.Client) -> None:
    small = photo((10, 10, 10), (20, 20, 20))
    response = album(client, [(f"{i}.jpg", small, "image/jpeg") for i in range(31)])
    assert response.status_code == 422 and response.json()["error"] == "TooManyPhotos"
    padding = b"\0" * (9 * 1024 * 1024)  # each under the photo limit, 45 MB in all: over the request limit
    response = album(client, [(f"{i}.jpg", small + padding, "image/jpeg") for i in range(5)])
    assert response.status_code == 413 and response.json()["error"] == "PayloadTooLarge"


def test_one_photo_still_answers_as_before_with_itself_as_its_only_photo(client: httpx.Client) -> None:
    response = client.post("/v1/playlists", files={"image": ("beach.jpg", SUNNY_BEACH, "image/jpeg")}, data={"n": "5"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert len(body["photos"]) == 1 and body["photos"][0]["filename"] == "beach.jpg"
    assert body["attention"] is not None and {t["photo"] for t in body["tracks"]} == {0}


def test_signed_in_an_album_lands_on_spotify_with_the_collage_and_the_photos_moods_in_order(stack: Stack) -> None:
    from tests.e2e.test_spotify_flow import Recorder, on_spotify

    user = Recorder(stack)
    assert user.sign_in("newcomer").status_code == 303
    sent = [("rain.jpg", GREY_RAIN, "image/jpeg"), ("beach.jpg", SUNNY_BEACH, "image/jpeg")]
    response = user("POST", "/v1/playlists", files=[("image", p) for p in sent], data={"n": "6", "genres": "pop"})
    assert response.status_code == 201, response.text
    body = response.json()
    placed = on_spotify(stack)[body["spotify"]["id"]]
    assert placed["track_ids"] == [track["id"] for track in body["tracks"]]
    assert 0 < placed["cover_bytes"] <= 256 * 1024
    assert "from 2 photos: " in placed["description"] and " → " in placed["description"]
    assert placed["description"].endswith("pop, match mode.")
    user("POST", "/v1/auth/logout")


def test_another_take_of_an_album_is_an_album_again_with_other_tracks(client: httpx.Client) -> None:
    sent = [("rain.jpg", GREY_RAIN, "image/jpeg"), ("beach.jpg", SUNNY_BEACH, "image/jpeg")]
    first = album(client, sent, n="8", genres="pop").json()
    take = client.post(f"/v1/playlists/{first['id']}/takes")
    assert take.status_code == 201, take.text
    body = take.json()
    assert [t["photo"] for t in body["tracks"]] == [0, 0, 0, 0, 1, 1, 1, 1]
    assert body["photos"] == first["photos"]
    assert len({t["id"] for t in body["tracks"]} & {t["id"] for t in first["tracks"]}) <= 3  # the closest 30% may stay


def test_an_albums_rating_records_which_photo_each_track_belonged_to(client: httpx.Client) -> None:
    sent = [("rain.jpg", GREY_RAIN, "image/jpeg"), ("beach.jpg", SUNNY_BEACH, "image/jpeg")]
    made = album(client, sent, n="4").json()
    assert client.post(f"/v1/playlists/{made['id']}/feedback", json={"rating": 1}).status_code == 201
    mine = [r for r in client.get("/v1/me/ratings").json()["ratings"] if r["playlist_id"] == made["id"]]
    assert len(mine) == 1
    assert mine[0]["track_ids"] == [t["id"] for t in made["tracks"]]
    assert mine[0]["track_photos"] == [0, 0, 1, 1]
