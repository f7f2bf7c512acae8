"""The playlist service's album route over HTTP (in-process, the small catalog of test_playlist_api): one list for
several photos, and what a bad album request gets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.playlist.app import create_app
from shared.recommendation import MAX_ALBUM_PHOTOS
from tests.unit.test_playlist_api import FEATURES, assert_envelope, mapper, settings, small_catalog, wait_ready


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    # The service's default body limit: an album of 30 photos and its export must fit in it.
    with TestClient(create_app(settings(), catalog=small_catalog(), mapper=mapper())) as c:
        wait_ready(c)
        yield c


CALM = FEATURES | {"energy": 0.15, "valence": 0.2, "acousticness": 0.9}


def test_an_album_is_one_list_each_track_naming_its_photo(client: TestClient) -> None:
    response = client.post("/v1/recommendations/album", json={"photos": [CALM, FEATURES], "n": 6})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [t["photo"] for t in body["tracks"]] == [0, 0, 0, 1, 1, 1]
    assert len(body["targets"]) == 2 and body["targets"][0]["valence"] == pytest.approx(0.2)


def test_an_album_exports_with_each_tracks_photo(client: TestClient) -> None:
    album = client.post("/v1/recommendations/album", json={"photos": [CALM, FEATURES], "n": 4}).json()
    response = client.post("/v1/recommendations/export", params={"format": "csv"}, json=album)
    assert response.status_code == 200
    assert [row["photo"] for row in csv.DictReader(io.StringIO(response.text))] == ["0", "0", "1", "1"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"photos": [], "n": 5}, "photos"),
        ({"photos": [FEATURES] * (MAX_ALBUM_PHOTOS + 1), "n": 40}, "photos"),
        ({"photos": [FEATURES] * 3, "n": 2}, "n must be at least the number of photos"),
        ({"photos": [FEATURES | {"energy": 3}], "n": 5}, "energy"),
        ({"photos": FEATURES, "n": 5}, "photos"),
    ],
    ids=["no-photos", "31-photos", "fewer-tracks-than-photos", "bad-feature", "not-a-list"],
)
def test_a_bad_album_is_422_naming_the_problem(client: TestClient, body: dict[str, Any], field: str) -> None:
    detail = assert_envelope(client.post("/v1/recommendations/album", json=body), 422, "ValidationError")
    assert field in str(detail)
