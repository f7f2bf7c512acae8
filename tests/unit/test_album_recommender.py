"""An album's one list (issue 25): each photo its share, in the photos' order, near its own photo, the listener
rules over the whole list, easing from one photo to the next, and what bad album requests get."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from services.playlist.recommend.album import deal, leaning, part_sizes, recommend_album
from services.playlist.recommend.credits import song_title
from services.playlist.recommend.recommender import Recommender
from shared.features import AudioFeatures
from shared.recommendation import MAX_ALBUM_PHOTOS, AlbumRequest, Recommendation
from tests.unit.test_recommender import MID, FakeMapper, random_catalog

SAD = MID | {"valence": 0.1, "energy": 0.2, "acousticness": 0.8}
HAPPY = MID | {"valence": 0.9, "energy": 0.85, "acousticness": 0.1}


def mood(valence: float, energy: float) -> AudioFeatures:
    return AudioFeatures.model_validate(MID | {"valence": valence, "energy": energy, "acousticness": 1 - energy})


RISING = [mood(0.1 + 0.16 * k, 0.2 + 0.13 * k) for k in range(6)]


@pytest.fixture(scope="module")
def recommender() -> Recommender:
    return Recommender(random_catalog(size=3000), FakeMapper())


def album(recommender: Recommender, photos: list[AudioFeatures], **fields: Any) -> Recommendation:
    return recommend_album(recommender, AlbumRequest.model_validate({"photos": photos} | fields))


def test_parts_are_equal_shares_the_first_photos_taking_the_remainder() -> None:
    assert part_sizes(20, 6) == [4, 4, 3, 3, 3, 3]
    assert part_sizes(6, 6) == [1] * 6
    assert sum(part_sizes(100, 30)) == 100


def test_small_parts_do_not_lean_and_the_last_part_never_does() -> None:
    assert [leaning(size, last=False) for size in (1, 2, 4, 5, 9, 10, 20)] == [0, 0, 0, 1, 1, 2, 2]
    assert leaning(20, last=True) == 0


def test_genres_are_dealt_across_parts_so_a_small_genre_is_not_rounded_away() -> None:
    left = np.array([3, 2, 1])  # an album of 6 tracks over three genres, dealt two at a time
    dealt = [deal(left, 2) for _ in range(3)]
    assert np.sum(dealt, axis=0).tolist() == [3, 2, 1] and left.tolist() == [0, 0, 0]


def test_each_photo_gets_its_share_in_the_photos_order(recommender: Recommender) -> None:
    rec = album(recommender, RISING, n=20)
    assert [t.photo for t in rec.tracks] == sorted(t.photo for t in rec.tracks if t.photo is not None)
    assert Counter(t.photo for t in rec.tracks) == dict(enumerate(part_sizes(20, 6)))
    assert rec.targets is not None and len(rec.targets) == 6


def test_the_list_rises_with_the_photos_and_each_track_sits_nearest_its_own_photo(recommender: Recommender) -> None:
    rec = album(recommender, RISING, n=18)
    means = [np.mean([t.features.valence for t in rec.tracks if t.photo == k]) for k in range(6)]
    assert means == sorted(means)
    targets = np.stack([recommender.to_space(f.to_vector()) for f in RISING])
    nearest = [
        int(np.argmin(np.linalg.norm(targets - recommender.to_space(t.features.to_vector()), axis=1)))
        for t in rec.tracks
    ]
    assert np.mean([n == t.photo for n, t in zip(nearest, rec.tracks, strict=True)]) >= 0.8


def test_the_listener_rules_hold_over_the_whole_album(recommender: Recommender) -> None:
    rec = album(recommender, [mood(0.5, 0.6)] * 10, n=40, max_per_artist=1, genres={"pop": 1.0, "hip hop": 1.0})
    assert len(rec.tracks) == 40
    assert max(Counter(t.artist for t in rec.tracks).values()) == 1  # the cap is the album's, not each part's
    assert len({song_title(t.name) for t in rec.tracks}) == 40
    assert len({t.id for t in rec.tracks + rec.spares}) == len(rec.tracks) + len(rec.spares)
    shares = Counter("hip-hop" if "hip-hop" in t.genres else "pop" for t in rec.tracks)
    assert shares["hip-hop"] >= 15 and shares["pop"] >= 15


def test_a_part_closes_near_the_next_photo(recommender: Recommender) -> None:
    sad, happy = mood(0.1, 0.2), mood(0.9, 0.9)
    rec = album(recommender, [sad, happy], n=8)
    first = [t.features.valence for t in rec.tracks if t.photo == 0]
    assert first[-1] == max(first)  # the sad part's last track is its most like the happy photo


def test_a_long_part_leans_its_last_tracks_toward_the_next_photo(recommender: Recommender) -> None:
    sad, happy = mood(0.1, 0.2), mood(0.9, 0.9)
    rec = album(recommender, [sad, happy], n=24)
    first = [t.features.valence for t in rec.tracks if t.photo == 0]
    assert np.mean(first[-2:]) > np.mean(first[:-2]) + 0.05


def test_spares_come_for_every_photo(recommender: Recommender) -> None:
    rec = album(recommender, RISING[:3], n=9, spares=6)
    assert Counter(t.photo for t in rec.spares) == {0: 2, 1: 2, 2: 2}


def test_an_album_in_a_genre_with_one_track_still_gets_every_photos_spares(recommender: Recommender) -> None:
    # The catalog's one jazz track goes to the list; before, every part's spares came back empty.
    rec = album(recommender, RISING[:3], n=9, spares=6, genres=["jazz"])
    assert len(rec.tracks) == 9 and Counter(t.photo for t in rec.spares) == {0: 2, 1: 2, 2: 2}
    assert len({t.id for t in rec.tracks + rec.spares}) == 15


def test_another_take_of_an_album_leaves_out_the_tracks_it_is_told_to(recommender: Recommender) -> None:
    first = album(recommender, RISING[:3], n=9)
    again = album(recommender, RISING[:3], n=9, avoid=[t.id for t in first.tracks])
    assert not {t.id for t in first.tracks} & {t.id for t in again.tracks} and len(again.tracks) == 9


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"photos": []}, "at least 1"),
        ({"photos": [MID] * (MAX_ALBUM_PHOTOS + 1), "n": 40}, f"at most {MAX_ALBUM_PHOTOS}"),
        ({"photos": [MID] * 5, "n": 4}, "n must be at least the number of photos (5)"),
        ({"photos": [MID | {"valence": 2.0}]}, "less than or equal to 1"),
    ],
    ids=["none", "too-many", "fewer-tracks-than-photos", "bad-features"],
)
def test_a_bad_album_request_is_refused_naming_the_problem(fields: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        AlbumRequest.model_validate({"n": 10} | fields)


def test_one_photo_album_is_a_plain_list_with_every_track_of_that_photo(recommender: Recommender) -> None:
    rec = album(recommender, [mood(0.7, 0.7)], n=10)
    assert len(rec.tracks) == 10 and {t.photo for t in rec.tracks} == {0}


def test_sad_and_happy_photos_get_different_parts(recommender: Recommender) -> None:
    rec = album(recommender, [AudioFeatures.model_validate(SAD), AudioFeatures.model_validate(HAPPY)], n=10)
    sad = [t.features.valence for t in rec.tracks if t.photo == 0]
    happy = [t.features.valence for t in rec.tracks if t.photo == 1]
    assert max(sad) < min(happy)
