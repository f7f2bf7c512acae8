"""`pressedplay audit albums` (issue 25): albums drawn across people's valence, what the checks count, and on the
rated development photos (../shared, skipped visibly where absent) the album list rises with its photos and keeps
each photo's tracks near it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.evaluation.album_audit import check_album, draw_albums, run_album_audit
from pipeline.evaluation.photo_readings import read_photos
from services.inference.model.predictor import DEFAULT_MODEL_PATH
from services.playlist.genres.mapping import load_genre_mapper
from services.playlist.recommend.catalog import load_catalog
from services.playlist.recommend.recommender import Recommender
from shared.features import AudioFeatures
from shared.recommendation import Recommendation, RecommendedTrack
from tests.unit.test_recommender import MID, FakeMapper, random_catalog


def test_albums_are_drawn_saddest_first_one_photo_per_valence_band() -> None:
    valence = np.array([5.0, 1.0, np.nan, 9.0, 3.0, 7.0, 2.0, 8.0])
    for rows in draw_albums(valence, photos=3, albums=10, seed=1):
        assert np.all(np.diff(valence[rows]) > 0) and not np.isnan(valence[rows]).any()


def test_an_album_needs_as_many_rated_photos_as_its_size() -> None:
    with pytest.raises(ValueError, match="needs 4 rated photos, 3 are rated"):
        draw_albums(np.array([1.0, 2.0, np.nan, 3.0]), photos=4, albums=1, seed=0)


def track(i: int, photo: int, valence: float, artist: str = "") -> RecommendedTrack:
    features = AudioFeatures.model_validate(MID | {"valence": valence})
    return RecommendedTrack(
        id=f"t{i}", uri=f"spotify:track:t{i}", url="u", name=f"Song {i}", artist=artist or f"A{i}", album="",
        features=features, genres=["pop"], why="", distance=0.1, photo=photo,
    )  # fmt: skip


def test_the_check_counts_a_falling_album_and_tracks_nearer_another_photo() -> None:
    recommender = Recommender(random_catalog(size=300), FakeMapper())
    targets = [AudioFeatures.model_validate(MID | {"valence": v}) for v in (0.2, 0.8)]
    rising = Recommendation(
        tracks=[track(0, 0, 0.2), track(1, 0, 0.25), track(2, 1, 0.8), track(3, 1, 0.3)],
        target=targets[0], targets=targets, genres=[], mode="match",
    )  # fmt: skip
    check = check_album(recommender, rising, max_per_artist=2)
    assert check.rise == pytest.approx(1.0) and check.own == 0.75 and check.repeats == 0 and check.crowded == 0
    falling = rising.model_copy(
        update={"tracks": [track(0, 0, 0.9, "X"), track(1, 1, 0.1, "X"), track(2, 1, 0.1, "X")]}
    )
    check = check_album(recommender, falling, max_per_artist=2)
    assert check.rise == pytest.approx(-1.0) and check.own == 0.0 and check.crowded == 1


@pytest.mark.slow
@pytest.mark.needs_shared
def test_on_rated_photos_the_album_rises_with_them_and_keeps_each_photos_tracks_near_it(
    shared_data: Path, tmp_path: Path
) -> None:
    root = shared_data / "affect" / "emotion6-dev"
    if not root.is_dir():
        pytest.skip(f"needs the rated affect photos at {root}; absent here")
    readings = read_photos(root, model=DEFAULT_MODEL_PATH, cache_dir=tmp_path)
    recommender = Recommender(load_catalog(), load_genre_mapper())
    report = run_album_audit(recommender, readings, ["", "pop,rock"], photos=6, albums=10)
    for name, row in report["requests"].items():
        assert row["rise_mean"] >= 0.8, name
        assert row["own_mean"] >= 0.8, name
        assert row["repeats"] == 0 and row["crowded"] == 0, name
