"""Pairing: each cover genre draws from the right tracks; splits keep every release in one split."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.data.covers import Release, assign_splits, read_releases
from pipeline.data.dataset import pair_releases
from pipeline.data.pairing import CATALOG_GENRE_FOR_COVER, load_track_pools, read_catalog_tracks, read_country_artists
from pipeline.data_errors import DatasetError, PairingError
from shared.features import AUDIO_FEATURES
from tests.fakes.covers import make_pools, write_covers


def _catalog() -> pd.DataFrame:
    rows = []
    for number, genres in enumerate([["edm"], ["rap"], ["pop"], ["rock"], ["pop", "edm"], ["latin"], ["r&b"]]):
        rows.append({"track_id": f"t{number}", "playlist_genres": genres, **dict.fromkeys(AUDIO_FEATURES, 0.1)})
    return pd.DataFrame(rows)


def _country() -> pd.DataFrame:
    return pd.DataFrame([{"track_id": "artist:Dolly", **dict.fromkeys(AUDIO_FEATURES, 0.3)}])


def test_each_cover_genre_draws_from_its_catalog_playlist_genre():
    pools = load_track_pools(catalog=_catalog(), country_artists=_country())
    assert set(pools["Electronic"].track_ids) == {"t0", "t4"}
    assert set(pools["HipHop"].track_ids) == {"t1"}
    assert set(pools["Pop"].track_ids) == {"t2", "t4"}
    assert set(pools["Rock"].track_ids) == {"t3"}
    assert pools["Country"].track_ids == ("artist:Dolly",)


def test_latin_and_rnb_tracks_are_never_paired():
    pools = load_track_pools(catalog=_catalog(), country_artists=_country())
    drawn = {tid for pool in pools.values() for tid in pool.track_ids}
    assert not {"t5", "t6"} & drawn


def test_an_unknown_cover_genre_is_rejected_with_the_known_list():
    with pytest.raises(PairingError, match=r"Jazz.*known: Country, Electronic, HipHop, Pop, Rock"):
        load_track_pools(genres=["Jazz"], catalog=_catalog())


def test_a_genre_with_no_tracks_is_a_clear_error():
    catalog = _catalog()
    catalog = catalog[catalog["playlist_genres"].map(lambda g: "rock" not in g)]
    with pytest.raises(PairingError, match=r"Rock.*empty"):
        load_track_pools(genres=["Rock"], catalog=catalog)


def test_draws_are_without_replacement_while_the_pool_is_large_enough():
    pool = make_pools(["Pop"], tracks=10)["Pop"]
    drawn = pool.draw(rng=np.random.default_rng(0), k=10)
    assert sorted(drawn) == list(range(10))


def test_paired_features_are_the_drawn_tracks_features_in_feature_order():
    pools = make_pools(["Pop", "Rock"])
    releases = [Release("1", Path("x.jpg"), ("Rock",))]
    jobs = pair_releases(releases, pools=pools, splits={"1": "train"}, pairs_per_cover=5, seed=0)
    for pair in jobs[0].pairs:
        index = pools["Rock"].track_ids.index(pair.track_id)
        assert pair.features == tuple(float(v) for v in pools["Rock"].features[index])
        assert pair.genre == "Rock"


def test_split_assignment_is_deterministic_and_by_release(tmp_path):
    covers = write_covers(tmp_path, {"Pop": [str(n) for n in range(100, 140)], "Rock": ["100", "150", "151"]})
    releases = read_releases(covers)
    first = assign_splits(releases, seed=3)
    assert first == assign_splits(releases, seed=3)
    assert first != assign_splits(releases, seed=4)
    assert set(first) == {r.release_id for r in releases}  # one split per release id, nothing per file
    assert sum(s == "train" for s in first.values()) == pytest.approx(0.8 * len(releases), abs=2)


def test_a_release_filed_under_two_genres_is_one_cover_with_both_genres(tmp_path):
    covers = write_covers(tmp_path, {"Pop": ["7", "8"], "Rock": ["7"]})
    releases = {r.release_id: r for r in read_releases(covers)}
    assert releases["7"].genres == ("Pop", "Rock")
    assert releases["7"].path.parent.name == "Pop"
    assert len(releases) == 2


def test_an_index_missing_a_column_names_it(tmp_path):
    (tmp_path / "index.csv").write_text("path,genre\nPop/a.jpg,Pop\n")
    with pytest.raises(DatasetError, match="discogs_release_id"):
        read_releases(tmp_path)


def test_the_catalog_csv_fallback_merges_a_tracks_playlist_genres(tmp_path):
    csv = tmp_path / "songs.csv"
    header = "track_id,playlist_genre," + ",".join(AUDIO_FEATURES)
    values = ",".join(["0.5"] * len(AUDIO_FEATURES))
    csv.write_text(f"{header}\na,pop,{values}\na,edm,{values}\nb,rock,{values}\n")
    catalog = read_catalog_tracks(csv)
    assert dict(zip(catalog["track_id"], catalog["playlist_genres"], strict=True)) == {
        "a": ["edm", "pop"],
        "b": ["rock"],
    }


@pytest.mark.needs_shared
def test_the_development_data_gives_every_cover_genre_hundreds_of_tracks(shared_data):
    pools = load_track_pools(country_artists=read_country_artists(shared_data / "artists" / "artist_feature_means.csv"))
    for genre in CATALOG_GENRE_FOR_COVER:
        assert len(pools[genre]) > 3000
    assert len(pools["Country"]) > 500
    assert all(pool.features.shape[1] == 8 for pool in pools.values())


@pytest.mark.needs_shared
def test_the_shared_cover_set_has_4203_releases_and_none_straddles_splits(shared_data):
    releases = read_releases(shared_data / "covers")
    splits = assign_splits(releases, seed=0)
    assert len(releases) == 4203
    assert sum(len(r.genres) > 1 for r in releases) == 251
    assert set(splits.values()) == {"train", "val", "test"}


def test_the_shipped_catalog_gives_each_catalog_genre_thousands_of_tracks():
    catalog = read_catalog_tracks()
    pools = load_track_pools(genres=list(CATALOG_GENRE_FOR_COVER), catalog=catalog)
    assert {genre: len(pool) > 3000 for genre, pool in pools.items()} == dict.fromkeys(CATALOG_GENRE_FOR_COVER, True)


def test_a_missing_catalog_file_is_a_clear_error(tmp_path):
    from services.playlist.recommend.catalog import CatalogError

    with pytest.raises(CatalogError, match="does not exist"):
        read_catalog_tracks(tmp_path / "catalog.parquet")


@given(
    sizes=st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=5),
    seed=st.integers(min_value=0, max_value=2**31),
    train=st.floats(min_value=0.0, max_value=1.0),
)
@settings(max_examples=60, deadline=None)
def test_every_release_gets_exactly_one_split_in_about_the_asked_proportion(sizes, seed, train):
    genres = ["Country", "Electronic", "HipHop", "Pop", "Rock"]
    strata = list(zip(genres, sizes, strict=False))  # as many genres as sizes drawn
    releases = [Release(f"{g}-{n}", Path("x.jpg"), (g,)) for g, size in strata for n in range(size)]
    ratios = (train, (1 - train) / 2, (1 - train) / 2)
    splits = assign_splits(releases, seed=seed, ratios=ratios)
    assert set(splits) == {r.release_id for r in releases}
    for genre, size in strata:
        in_train = sum(splits[f"{genre}-{n}"] == "train" for n in range(size))
        assert abs(in_train - size * train) <= 1  # per stratum, within rounding
