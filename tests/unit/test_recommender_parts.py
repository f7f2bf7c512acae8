"""The recommender's pieces on their own: song keys, the MMR re-rank, the why text, and the feature indexes."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter

import numpy as np
import pytest

from services.playlist.recommend.credits import code_table, song_title
from services.playlist.recommend.diversity import Candidates, Draft, mmr_select
from services.playlist.recommend.explain import WhyContext, mood_words, standout, title, traits, why
from services.playlist.recommend.index import ExactIndex
from shared.features import AUDIO_FEATURES
from shared.recommendation import Mode


def raw(**values: float) -> np.ndarray:
    base = {
        "acousticness": 0.3,
        "danceability": 0.5,
        "energy": 0.6,
        "instrumentalness": 0.0,
        "liveness": 0.1,
        "loudness": -8.0,
        "speechiness": 0.05,
        "valence": 0.5,
    }
    return np.array([(base | values)[n] for n in AUDIO_FEATURES], dtype=np.float32)


@pytest.mark.parametrize(
    "variant",
    ["Hello", "hello", "Hello - Remastered 2011", "Hello (Live at Wembley)", "Hello [Radio Edit]", "Hello feat. X"],
)
def test_title_variants_of_one_song_share_a_key(variant: str) -> None:
    assert song_title(variant) == song_title("Hello")


def pool(scores: list[float], vectors: np.ndarray, *, artists: list[int], songs: list[int]) -> Candidates:
    return Candidates(
        rows=np.arange(len(scores)),
        scores=np.array(scores),
        vectors=vectors,
        artists=np.array(artists)[:, None],
        songs=np.array(songs)[:, None],
    )


def test_mmr_with_zero_diversity_takes_the_best_scores_in_order() -> None:
    candidates = pool([0.3, 0.1, 0.2, 0.4], np.zeros((4, 2)), artists=[0, 1, 2, 3], songs=[0, 1, 2, 3])
    assert mmr_select(candidates, Draft(max_per_artist=2), n=3, diversity=0.0) == [1, 2, 0]


def test_mmr_with_diversity_skips_a_near_copy_of_what_was_chosen() -> None:
    vectors = np.array([[0.0, 0.0], [0.01, 0.0], [1.0, 1.0]])
    candidates = pool([0.10, 0.11, 0.15], vectors, artists=[0, 1, 2], songs=[0, 1, 2])
    assert mmr_select(candidates, Draft(max_per_artist=2), n=2, diversity=0.0) == [0, 1]
    assert mmr_select(candidates, Draft(max_per_artist=2), n=2, diversity=0.5) == [0, 2]


def test_mmr_respects_what_an_earlier_pass_already_took() -> None:
    draft = Draft(max_per_artist=2, artists=Counter({5: 1}), songs={3})
    candidates = pool([0.1, 0.2, 0.3], np.zeros((3, 2)), artists=[5, 5, 6], songs=[1, 2, 3])
    assert mmr_select(candidates, draft, n=3, diversity=0.0) == [0]
    assert draft.artists[5] == 2


def test_mmr_fills_each_group_up_to_its_quota_and_reports_the_rest() -> None:
    candidates = Candidates(
        rows=np.arange(5),
        scores=np.array([0.1, 0.2, 0.3, 0.4, 0.9]),
        vectors=np.zeros((5, 2)),
        artists=np.arange(5)[:, None],
        songs=np.arange(5)[:, None],
        groups=np.array([[1, 0], [1, 0], [1, 0], [0, 1], [0, 1]], dtype=bool),
    )
    quotas = np.array([1, 3])
    assert mmr_select(candidates, Draft(max_per_artist=2), n=4, diversity=0.0, quotas=quotas) == [0, 3, 4]
    assert quotas.tolist() == [0, 1]


def test_code_tables_give_equal_keys_equal_codes_and_pad_with_minus_one() -> None:
    assert code_table([["a"], ["b", "a"], [("x", "y")]]).tolist() == [[0, -1], [1, 0], [2, -1]]


def alone(photo: np.ndarray, mode: Mode = "match", requested: tuple[str, ...] = ()) -> WhyContext:
    """A context whose playlist is one ordinary track: nothing stands out against it unless a test makes it."""
    return WhyContext(photo=photo, mode=mode, playlist=raw()[None, :], requested=requested)


def test_why_says_a_track_in_the_photos_mood_is_like_it_and_names_a_trait_and_the_matched_genre() -> None:
    track = raw(valence=0.9, energy=0.85, danceability=0.9)
    context = alone(raw(valence=0.8, energy=0.8), requested=("hip-hop",))
    assert why(track, genres=["pop", "hip-hop"], context=context) == (
        "bright and upbeat like your photo, more danceable than most here, hip-hop and pop"
    )


def test_why_names_the_larger_mood_gap_when_the_track_sits_elsewhere() -> None:
    bright_photo = raw(valence=0.9, energy=0.8)
    assert why(raw(valence=0.9, energy=0.3), genres=["folk"], context=alone(bright_photo)).startswith(
        "warm and gentle, a little calmer than your photo"
    )
    assert why(raw(valence=0.1, energy=0.8), genres=[], context=alone(bright_photo)).startswith(
        "dark and intense, a little darker than your photo"
    )


def test_why_uses_the_tracks_own_first_genre_when_none_was_requested_and_a_trait_that_holds_alone() -> None:
    quiet = raw(acousticness=0.95, energy=0.1, valence=0.2)
    context = WhyContext(photo=quiet, mode="match", playlist=np.stack([quiet, quiet]))
    assert why(quiet, genres=["folk", "acoustic"], context=context) == (
        "calm and wistful like your photo, acoustic, folk and acoustic"
    )


@pytest.mark.parametrize(
    ("mode", "track", "said"),
    [
        ("boost", raw(valence=0.7, energy=0.8), "bright and upbeat, brighter and livelier than your photo"),
        ("boost", raw(valence=0.7, energy=0.6), "bright and easy, brighter than your photo"),
        ("boost", raw(valence=0.3, energy=0.6), "moody like your photo"),
        ("calm", raw(valence=0.3, energy=0.3), "calm and wistful, calmer and more wistful than your photo"),
        ("calm", raw(valence=0.5, energy=0.4), "calm and mellow, calmer than your photo"),
    ],
)
def test_in_boost_and_calm_a_why_says_how_the_track_sits_beside_the_photo_itself(
    mode: Mode, track: np.ndarray, said: str
) -> None:
    photo = raw(valence=0.5, energy=0.6)  # "easy-going"
    assert why(track, genres=[], context=alone(photo, mode)).startswith(said)


def test_the_title_is_the_photos_mood_and_what_the_mode_did_to_it() -> None:
    wistful = raw(valence=0.2, energy=0.3)
    assert title(wistful, "match") == "Calm and wistful"
    assert title(wistful, "boost") == "Calm and wistful, brightened up"
    assert title(raw(valence=0.9, energy=0.9), "calm") == "Bright and upbeat, calmed down"


def test_what_sets_a_track_apart_is_its_furthest_feature_from_the_playlists_median() -> None:
    median = raw()
    assert standout(raw(acousticness=0.9, danceability=0.6), median) == "more acoustic than most here"
    assert standout(raw(loudness=-16.0), median) == "quieter than most here"
    assert standout(raw(liveness=0.0), median) is None  # below on a feature with nothing worth saying
    assert standout(raw(energy=0.65), median) is None  # a quarter of a spread: not worth a word


def test_mood_words_cover_every_band_pair_with_distinct_phrases() -> None:
    phrases = {mood_words(raw(valence=v, energy=e)) for v in (0.1, 0.5, 0.9) for e in (0.2, 0.6, 0.9)}
    assert len(phrases) == 9


def test_traits_beside_mood_name_the_strongest_only() -> None:
    assert traits(raw()) == []
    assert traits(raw(speechiness=0.9, loudness=-3.5)) == ["wordy"]
    assert traits(raw(loudness=-30.0)) == ["quiet"]


def test_exact_index_matches_brute_force_with_and_without_a_row_subset() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(5000, 8)).astype(np.float32)
    index = ExactIndex(vectors, block_rows=777)  # several blocks, a ragged last one
    query = rng.normal(size=8).astype(np.float32)
    brute = ((vectors - query) ** 2).sum(axis=1)
    ids, dist = index.search(query, k=25)
    assert ids.tolist() == np.argsort(brute)[:25].tolist()
    assert np.allclose(dist, np.sort(brute)[:25], atol=1e-3)
    rows = np.arange(0, 5000, 3)
    sub_ids, _ = index.search(query, k=10, rows=rows)
    assert sub_ids.tolist() == rows[np.argsort(brute[rows])[:10]].tolist()
    assert index.search(query, k=10, rows=rows)[0].tolist() == sub_ids.tolist()  # from the gathered-subset cache
    uncached = ExactIndex(vectors, block_rows=777, subset_cache_bytes=0)
    assert uncached.search(query, k=10, rows=rows)[0].tolist() == sub_ids.tolist()
    assert index.search(query, k=10, rows=np.array([], dtype=np.int64))[0].size == 0
    assert len(index.search(query, k=10_000)[0]) == 5000


def test_faiss_index_when_installed_finds_the_true_neighbours() -> None:
    pytest.importorskip("faiss", reason="faiss-cpu is optional; the exact index serves without it")
    from services.playlist.recommend.index import FaissIVFIndex

    rng = np.random.default_rng(1)
    vectors = rng.uniform(size=(20_000, 8)).astype(np.float32)
    index = FaissIVFIndex(vectors, nlist=64, nprobe=16)
    query = rng.uniform(size=8).astype(np.float32)
    truth = np.argsort(((vectors - query) ** 2).sum(axis=1))[:20]
    ids, _ = index.search(query, k=20)
    assert len(set(ids.tolist()) & set(truth.tolist())) >= 18
    rows = np.arange(0, 20_000, 10)
    sub_ids, _ = index.search(query, k=20, rows=rows)
    assert set(sub_ids.tolist()) <= set(rows.tolist()) and len(sub_ids) == 20


def test_small_catalogs_get_the_exact_index_and_large_ones_faiss_when_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from services.playlist.recommend.index import choose_index

    vectors = np.random.default_rng(2).uniform(size=(2000, 8)).astype(np.float32)
    assert isinstance(choose_index(vectors), ExactIndex)
    monkeypatch.setitem(sys.modules, "faiss", None)  # as if faiss-cpu were not installed
    assert isinstance(choose_index(vectors, exact_max_rows=100), ExactIndex)
    monkeypatch.undo()
    if importlib.util.find_spec("faiss") is not None:
        from services.playlist.recommend.index import FaissIVFIndex

        assert isinstance(choose_index(vectors, exact_max_rows=100), FaissIVFIndex)
