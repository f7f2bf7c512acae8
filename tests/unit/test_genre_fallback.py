"""Seed genres without catalog tracks are served by stand-ins and said so; genres with tracks stay exact."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from services.playlist.app import create_app
from services.playlist.genres.mapping import GenreMapper
from services.playlist.recommend.catalog import Catalog, catalog_from_records
from services.playlist.recommend.genre_fallback import GenreFallback
from services.playlist.recommend.recommender import Recommender, parse_request
from services.playlist.settings import Settings
from shared.features import AUDIO_FEATURES
from shared.recommendation import Recommendation

FEATURES = {
    "acousticness": 0.1,
    "danceability": 0.8,
    "energy": 0.85,
    "instrumentalness": 0.0,
    "liveness": 0.1,
    "loudness": -5.0,
    "speechiness": 0.2,
    "valence": 0.8,
}
GENRES = ("mpb", "brazil", "pop", "rock")


def catalog() -> Catalog:
    rng = np.random.default_rng(3)
    records = []
    for index in range(480):
        values = rng.uniform(0, 1, 8)
        values[AUDIO_FEATURES.index("loudness")] = -30 + 25 * values[5]
        record: dict[str, Any] = {name: float(v) for name, v in zip(AUDIO_FEATURES, values, strict=True)}
        record.update(
            track_id=f"t{index:03d}",
            name=f"White Christmas {index}" if index % 8 == 0 else f"Song {index}",
            artist=f"Artist {index % 60}",
            release_date=f"{2010 + index % 11}-01-01",
            genres=[GENRES[index % 4]],
        )
        records.append(record)
    return catalog_from_records(records, source="fallback-test")


@pytest.fixture(scope="module")
def recommender() -> Recommender:
    return Recommender(catalog(), GenreMapper({"korean indie": ["k-pop", "rock"]}, embeddings=None))


def ask(recommender: Recommender, genres: list[str], n: int = 10) -> Recommendation:
    return recommender.recommend(parse_request({"features": FEATURES, "genres": genres, "n": n}))


def test_a_genre_with_tracks_is_served_exactly_and_without_a_warning(recommender: Recommender) -> None:
    rec = ask(recommender, ["mpb"])
    assert len(rec.tracks) == 10 and rec.warnings == []
    assert all("mpb" in track.genres for track in rec.tracks)


def test_a_missing_genre_uses_its_nearest_genres_and_names_them(recommender: Recommender) -> None:
    rec = ask(recommender, ["bossanova"])
    assert rec.warnings == ["no bossanova in the catalog yet: used mpb and brazil"]
    assert len(rec.tracks) == 10 and all({"mpb", "brazil"} & set(t.genres) for t in rec.tracks)
    assert rec.genres == ["bossanova"]


def test_a_missing_mood_genre_is_a_feature_profile_over_the_whole_catalog(recommender: Recommender) -> None:
    rec = ask(recommender, ["work-out"])
    assert rec.warnings == [
        "no work-out in the catalog yet: used high-energy, danceable tracks from the whole catalog "
        "(energy >= 0.75, danceability >= 0.6)"
    ]
    assert rec.tracks and all(t.features.energy >= 0.75 and t.features.danceability >= 0.6 for t in rec.tracks)


def test_holidays_are_tracks_with_holiday_words_in_the_title(recommender: Recommender) -> None:
    rec = ask(recommender, ["holidays"])
    assert "no holidays in the catalog yet" in rec.warnings[0]
    assert len(rec.tracks) == 10 and all("Christmas" in t.name for t in rec.tracks)


def test_new_release_is_the_newest_release_years_the_catalog_has(recommender: Recommender) -> None:
    rec = ask(recommender, ["new-release"])
    assert "newest releases" in rec.warnings[0]
    assert rec.tracks and all(t.release_date[:4] in ("2019", "2020") for t in rec.tracks)


def test_a_missing_genre_outside_the_table_uses_the_seeds_the_genre_map_lists_beside_it(
    recommender: Recommender,
) -> None:
    rec = ask(recommender, ["k-pop"])
    assert rec.warnings == ["no k-pop in the catalog yet: used rock"]
    assert all("rock" in t.genres for t in rec.tracks)


def test_a_missing_genre_with_nothing_related_falls_back_to_the_whole_catalog_and_says_so(
    recommender: Recommender,
) -> None:
    rec = ask(recommender, ["tango"])
    assert rec.warnings == ["no tango in the catalog yet and no related genre has tracks: used the whole catalog"]
    assert len(rec.tracks) == 10


def test_a_missing_genre_beside_a_present_one_keeps_the_filter_to_both_sets(recommender: Recommender) -> None:
    rec = ask(recommender, ["pop", "metal-misc"])
    assert rec.warnings == ["no metal-misc in the catalog yet and no related genre has tracks: used the whole catalog"]
    assert all("pop" in t.genres for t in rec.tracks)


def test_a_stand_in_set_too_small_to_filter_on_moves_to_the_next_step() -> None:
    tiny = catalog_from_records(
        [
            {name: 0.5 for name in AUDIO_FEATURES}
            | {"loudness": -8.0, "track_id": f"x{i}", "name": f"S{i}", "artist": "A", "genres": ["pop"]}
            for i in range(5)
        ]
    )
    plan = GenreFallback(tiny).plan({"summer": 1.0})
    assert plan.weights == {} and "used the whole catalog" in plan.warnings[0]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(
        Settings(_env_file=None, warm_genre_model=False),
        catalog=catalog(),
        mapper=GenreMapper({}, embeddings=None),
    )
    with TestClient(app) as c:
        deadline = time.monotonic() + 10
        while c.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "catalog never loaded"
            time.sleep(0.01)
        yield c


def test_the_playlist_api_says_what_stood_in_for_a_missing_genre(client: TestClient) -> None:
    response = client.post("/v1/recommendations", json={"features": FEATURES, "genres": ["bossanova"], "n": 5})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["warnings"] == ["no bossanova in the catalog yet: used mpb and brazil"]
    assert len(body["tracks"]) == 5 and all({"mpb", "brazil"} & set(t["genres"]) for t in body["tracks"])


def test_the_playlist_api_serves_a_genre_with_tracks_exactly_without_warnings(client: TestClient) -> None:
    body = client.post("/v1/recommendations", json={"features": FEATURES, "genres": ["rock"], "n": 5}).json()
    assert body["warnings"] == [] and all("rock" in t["genres"] for t in body["tracks"])
