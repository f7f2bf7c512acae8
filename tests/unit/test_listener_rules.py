"""A playlist a listener keeps (issue 19): asked genres all present, one song once, each credited artist capped,
holiday songs only when asked, another take, spares, and an order that flows."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest

from services.playlist.recommend.catalog import catalog_from_records
from services.playlist.recommend.credits import credited_artists, song_title
from services.playlist.recommend.genre_shares import share_quotas
from services.playlist.recommend.recommender import Recommender, parse_request
from services.playlist.recommend.sequencing import Sound, camelot, flowing_order, key_steps, mean_step, tempo_steps
from shared.recommendation import Recommendation, another_take, default_spares
from tests.unit.test_recommender import MID, FakeMapper, random_catalog


def ask(recommender: Recommender, **fields: Any) -> Recommendation:
    return recommender.recommend(parse_request({"features": MID} | fields))


def near(i: int, **shift: float) -> dict[str, float]:
    """MID nudged a little per i, so tracks are close to the target and distinct."""
    return MID | {"energy": 0.6 + 0.002 * i, "valence": 0.5 - 0.001 * i} | shift


def background(size: int = 300) -> list[dict[str, Any]]:
    """Tracks of another genre spread over the whole feature range, so distances have the catalog's scale."""
    rng = np.random.default_rng(5)
    return [
        {"track_id": f"bg{i}", "name": f"BG{i}", "artist": f"BGA{i}", "genres": ["hip-hop"]}
        | {name: float(rng.uniform(0, 1)) for name in MID}
        | {"loudness": float(rng.uniform(-20, -2))}
        for i in range(size)
    ]


# --- one song once, every credited artist capped ---


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Moral of the Story", "Moral of the Story (feat. Niall Horan)"),
        ("Hello", "Hello - Remastered 2011"),
        ("Hello", "Hello (Live at the BBC)"),
        ("Hello", "Hello [Bonus Track]"),
        ("Hello", "Hello - Acoustic Version"),
        ("Garota de Ipanema", "GAROTA DE IPANEMA"),
    ],
    ids=["feat", "remaster", "live", "bonus", "acoustic", "case"],
)
def test_versions_of_one_song_are_one_song(a: str, b: str) -> None:
    assert song_title(a) == song_title(b)


def test_different_titles_are_different_songs() -> None:
    assert song_title("Hello") != song_title("Hello Again")
    assert song_title("(Intro)") != song_title("Outro")  # an all-bracket title keeps its text


def test_credited_artists_include_the_artist_field_and_the_titles_featured_names() -> None:
    assert credited_artists("Ashe, Niall Horan") == ("ashe", "niall horan")
    assert credited_artists("Calvin Harris", "Feels (feat. Pharrell Williams, Katy Perry & Big Sean)") == (
        "calvin harris",
        "pharrell williams, katy perry & big sean",
        "pharrell williams",
        "katy perry",
        "big sean",
    )


def test_a_song_appears_once_whatever_its_version_or_credit_or_singer() -> None:
    records = [
        {"track_id": "plain", "name": "Moral of the Story", "artist": "Ashe", "genres": ["pop"]} | near(0),
        {
            "track_id": "feat",
            "name": "Moral of the Story (feat. Niall Horan)",
            "artist": "Ashe, Niall Horan",
            "genres": ["pop"],
        }
        | near(1),
        {"track_id": "cover", "name": "Moral of the Story", "artist": "Stranger", "genres": ["pop"]} | near(2),
    ]
    records += [
        {"track_id": f"o{i}", "name": f"Other {i}", "artist": f"A{i}", "genres": ["pop"]} | near(3 + i)
        for i in range(5)
    ]
    rec = ask(Recommender(catalog_from_records(records), FakeMapper()), n=6, max_per_artist=5)
    ids = {t.id for t in rec.tracks}
    assert len(ids & {"plain", "feat", "cover"}) == 1 and len(rec.tracks) == 6


def test_an_artist_credited_on_several_tracks_counts_toward_one_cap() -> None:
    records = [
        {"track_id": f"a{i}", "name": f"Solo {i}", "artist": "Star", "genres": ["pop"]} | near(i) for i in range(2)
    ]
    records += [{"track_id": "duet", "name": "Duet", "artist": "Other, Star", "genres": ["pop"]} | near(2)]
    records += [{"track_id": "guest", "name": "Guest (feat. Star)", "artist": "Third", "genres": ["pop"]} | near(3)]
    records += [
        {"track_id": f"o{i}", "name": f"O {i}", "artist": f"B{i}", "genres": ["pop"]} | near(4 + i) for i in range(6)
    ]
    rec = ask(Recommender(catalog_from_records(records), FakeMapper()), n=8)
    star = sum("star" in credited_artists(t.artist, t.name) for t in rec.tracks)
    assert star == 2 and len(rec.tracks) == 8


# --- asked genres, all present ---


@pytest.mark.parametrize(
    ("weights", "n", "expected"),
    [
        ([1, 1], 20, [10, 10]),
        ([2, 1], 20, [13, 7]),
        ([0.9, 0.1], 20, [18, 2]),
        ([0.97, 0.01, 0.01, 0.01], 10, [7, 1, 1, 1]),
        ([0.5, 0.3, 0.2], 2, [1, 1, 0]),
        ([1, 1, 1], 1, [1, 0, 0]),
    ],
)
def test_each_genre_gets_its_share_by_weight_and_at_least_one_when_n_allows(
    weights: list[float], n: int, expected: list[int]
) -> None:
    assert share_quotas(weights, n).tolist() == expected


def test_two_asked_genres_both_get_their_share_even_when_one_sits_closer() -> None:
    pop = [{"track_id": f"p{i}", "name": f"P{i}", "artist": f"PA{i}", "genres": ["pop"]} | near(i) for i in range(30)]
    rock = [
        {"track_id": f"r{i}", "name": f"R{i}", "artist": f"RA{i}", "genres": ["rock"]} | near(i, energy=0.75)
        for i in range(30)
    ]
    recommender = Recommender(catalog_from_records(pop + rock + background()), FakeMapper())
    rec = ask(recommender, n=20, genres=["pop", "rock"])
    counts = Counter(t.genres[0] for t in rec.tracks)
    assert counts == {"pop": 10, "rock": 10} and rec.warnings == []
    weighted = ask(recommender, n=20, genres={"pop": 3, "rock": 1})
    assert Counter(t.genres[0] for t in weighted.tracks) == {"pop": 15, "rock": 5}


def test_a_genre_with_too_few_tracks_near_the_photo_gives_its_room_to_the_others_and_says_so() -> None:
    pop = [{"track_id": f"p{i}", "name": f"P{i}", "artist": f"PA{i}", "genres": ["pop"]} | near(i) for i in range(30)]
    far = MID | {"energy": 0.02, "valence": 0.98, "acousticness": 0.99, "danceability": 0.05, "loudness": -30.0}
    rock = [{"track_id": "r0", "name": "R0", "artist": "RA", "genres": ["rock"]} | near(0, energy=0.62)]
    rock += [{"track_id": f"rf{i}", "name": f"RF{i}", "artist": f"RF{i}", "genres": ["rock"]} | far for i in range(20)]
    rec = ask(Recommender(catalog_from_records(pop + rock + background()), FakeMapper()), n=20, genres=["pop", "rock"])
    counts = Counter(t.genres[0] for t in rec.tracks)
    assert counts["rock"] >= 1 and counts["pop"] == 20 - counts["rock"] and counts["rock"] < 10
    assert any("too few tracks sit near this photo's sound in rock" in w for w in rec.warnings)


# --- holidays only when asked ---


def holiday_catalog() -> Recommender:
    records = [
        {"track_id": f"x{i}", "name": f"Christmas Song {i}", "artist": f"X{i}", "genres": ["pop"]} | near(i)
        for i in range(5)
    ]
    records += [
        {"track_id": f"o{i}", "name": f"Summer {i}", "artist": f"O{i}", "genres": ["pop"]} | near(10 + i)
        for i in range(10)
    ]
    return Recommender(catalog_from_records(records), FakeMapper())


def test_holiday_songs_never_come_unasked_even_when_closest() -> None:
    rec = ask(holiday_catalog(), n=10, genres=["pop"])
    assert len(rec.tracks) == 10 and not any("Christmas" in t.name for t in rec.tracks + rec.spares)


def test_holiday_songs_come_when_the_holidays_genre_or_the_season_option_asks() -> None:
    recommender = holiday_catalog()
    assert all("Christmas" in t.name for t in ask(recommender, n=5, genres=["holidays"]).tracks)
    assert sum("Christmas" in t.name for t in ask(recommender, n=10, genres=["pop"], holidays=True).tracks) == 5


# --- another take, spares ---


def test_avoided_tracks_never_come_back() -> None:
    recommender = Recommender(random_catalog(size=1500), FakeMapper())
    first = ask(recommender, n=20, genres=["pop"])
    again = ask(recommender, n=20, genres=["pop"], avoid=[t.id for t in first.tracks])
    assert not {t.id for t in first.tracks} & {t.id for t in again.tracks} and len(again.tracks) == 20


def test_an_avoided_song_stays_out_under_its_other_ids_too() -> None:
    records = [
        {"track_id": "a1", "name": "Family", "artist": "David Guetta", "genres": ["pop"]} | near(0),
        {"track_id": "a2", "name": "Family", "artist": "David Guetta", "genres": ["pop"]} | near(1),  # another source
    ]
    records += [
        {"track_id": f"o{i}", "name": f"Other {i}", "artist": f"A{i}", "genres": ["pop"]} | near(2 + i)
        for i in range(5)
    ]
    rec = ask(Recommender(catalog_from_records(records), FakeMapper()), n=5, avoid=["a1"])
    assert not {"a1", "a2"} & {t.id for t in rec.tracks}


@pytest.mark.parametrize("genres", [["pop"], ["rock"]])
def test_another_take_shares_at_most_30_percent_and_stays_within_10_percent_of_the_distance(genres: list[str]) -> None:
    recommender = Recommender(random_catalog(size=1500), FakeMapper())
    request = parse_request({"features": MID, "n": 20, "genres": genres})
    first = recommender.recommend(request)
    take = recommender.recommend(another_take(request, [first.tracks]))
    assert len({t.id for t in first.tracks} & {t.id for t in take.tracks}) <= 6 and len(take.tracks) == 20
    mean = lambda rec: float(np.mean([t.distance for t in rec.tracks]))  # noqa: E731
    assert mean(take) <= 1.10 * mean(first)


def test_spares_follow_the_list_by_the_same_rules_and_never_repeat_it() -> None:
    recommender = Recommender(random_catalog(size=1500), FakeMapper())
    rec = ask(recommender, n=100, genres=["pop"])
    assert len(rec.tracks) == 100 and len(rec.spares) == 20
    every = rec.tracks + rec.spares
    assert len({t.id for t in every}) == 120 and all("pop" in t.genres for t in every)
    assert max(Counter(a for t in every for a in credited_artists(t.artist)).values()) <= 2
    assert len(ask(recommender, n=10, spares=0).spares) == 0
    assert len(ask(recommender, n=10).spares) == 5


@pytest.mark.parametrize("n", [1, 5])
def test_a_genre_too_small_for_list_and_spares_gets_its_spares_from_the_closest_other_genres(n: int) -> None:
    # One jazz track in the catalog: at n=5 the list is topped up from other genres, at n=1 the genre fills the list
    # but has nothing left for spares. Spares replace tracks Spotify refuses, so they must not come back empty.
    recommender = Recommender(random_catalog(size=600), FakeMapper())
    rec = ask(recommender, n=n, genres=["jazz"], max_per_artist=1)
    assert len(rec.tracks) == n and len(rec.spares) == default_spares(n)
    every = rec.tracks + rec.spares
    assert len({t.id for t in every}) == len(every) and "jazz1" in {t.id for t in rec.tracks}
    assert max(Counter(a for t in every for a in credited_artists(t.artist, t.name)).values()) == 1
    assert len(ask(recommender, n=n, genres=["jazz"], spares=0).spares) == 0


# --- an order that flows ---


def test_camelot_wheel_places_keys_as_djs_do() -> None:
    number, letter = camelot(np.array([0, 9, 7, 4, 5, -1]), np.array([1, 0, 1, 0, 1, 1]))
    # C major 8B, A minor 8A, G major 9B, E minor 9A, F major 7B (0-based numbers: 7, 7, 8, 8, 6), unknown -1.
    assert number.tolist() == [7, 7, 8, 8, 6, -1] and letter.tolist() == [1, 0, 1, 0, 1, -1]
    steps = key_steps(number[:1], letter[:1], number, letter)
    assert steps[:5].tolist() == [0, 1, 1, 2, 1] and np.isnan(steps[5])


def test_half_and_double_time_mix_like_the_same_tempo() -> None:
    steps = tempo_steps(np.array([120.0, 120.0, 120.0, 120.0]), np.array([120.0, 60.0, 240.0, 100.0]))
    assert steps[:3] == pytest.approx([0.0, 0.0, 0.0]) and steps[3] == pytest.approx(np.log(1.2))


def test_the_flowing_order_opens_where_asked_and_steps_less_than_random() -> None:
    rng = np.random.default_rng(3)
    sound = Sound(
        energy=rng.uniform(0, 1, 30),
        tempo=rng.uniform(70, 170, 30),
        key=rng.integers(0, 12, 30),
        mode=rng.integers(0, 2, 30),
    )
    order = flowing_order(sound, opening=7)
    assert order[0] == 7 and sorted(order) == list(range(30))
    randoms = [mean_step(sound, rng.permutation(30)) for _ in range(50)]
    assert mean_step(sound, order) < 0.6 * float(np.mean(randoms))


def test_a_playlist_opens_on_the_track_closest_to_the_photo_and_flows_from_there() -> None:
    recommender = Recommender(random_catalog(size=1500), FakeMapper())
    rec = ask(recommender, n=20)
    distances = [t.distance for t in rec.tracks]
    assert distances[0] == min(distances)
    ids = [t.id for t in rec.tracks]
    by_distance = sorted(ids, key=lambda i: distances[ids.index(i)])
    assert mean_step(recommender.sound_of(ids), np.arange(20)) < mean_step(
        recommender.sound_of(by_distance), np.arange(20)
    )
