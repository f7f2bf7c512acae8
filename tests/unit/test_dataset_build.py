"""The dataset builder end to end on a dozen generated covers: shards, schema, splits, determinism, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from pipeline.data.dataset import SHARD_SCHEMA, DatasetSummary, build_dataset
from pipeline.data.dataset_inspect import inspect_dataset, read_dataset
from pipeline.data_errors import DatasetError, PairingError
from tests.fakes.covers import make_pools, write_covers

LAYOUT = {
    "Pop": ["101", "102", "103", "104", "105", "900"],
    "Rock": ["201", "202", "203", "204", "205", "900"],
}


@pytest.fixture
def covers(tmp_path: Path) -> Path:
    return write_covers(tmp_path / "covers", LAYOUT)


def _build(covers: Path, out: Path, **overrides: Any) -> DatasetSummary:
    options: dict[str, Any] = {
        "pairs_per_cover": 3,
        "image_size": 64,
        "seed": 5,
        "covers_per_shard": 4,
        "progress": False,
    }
    options |= overrides
    return build_dataset(covers_dir=covers, out_dir=out, pools=make_pools(["Pop", "Rock"]), **options)


def test_builder_writes_one_row_per_cover_and_pair_in_the_shard_schema(covers, tmp_path):
    summary = _build(covers, tmp_path / "out")
    data = read_dataset(tmp_path / "out")
    assert summary.covers == 11  # release 900 sits in both folders and is kept once
    assert summary.rows == len(data) == 11 * 3
    for shard in (tmp_path / "out").rglob("part-*.parquet"):
        assert pq.read_schema(shard).remove_metadata() == SHARD_SCHEMA
    assert data["cover"].map(lambda b: b[:2] == b"\xff\xd8").all()  # JPEG
    assert data["features"].map(len).eq(8).all()


def test_rows_are_written_under_their_split_folder_and_carry_the_split_column(covers, tmp_path):
    _build(covers, tmp_path / "out")
    for split_dir in (tmp_path / "out").iterdir():
        if split_dir.is_dir():
            assert set(read_dataset(split_dir)["split"]) == {split_dir.name}


def test_no_release_lands_in_two_splits(covers, tmp_path):
    _build(covers, tmp_path / "out", ratios=(0.5, 0.25, 0.25))
    data = read_dataset(tmp_path / "out")
    assert data.groupby("release_id")["split"].nunique().max() == 1
    assert set(data["split"]) == {"train", "val", "test"}


def test_each_pair_uses_the_track_features_of_its_genre(covers, tmp_path):
    pools = make_pools(["Pop", "Rock"])
    _build(covers, tmp_path / "out")
    for row in read_dataset(tmp_path / "out").to_dict("records"):
        pool = pools[row["genre"]]
        assert row["track_id"].startswith(f"{row['genre']}-")
        expected = pool.features[pool.track_ids.index(row["track_id"])]
        assert np.allclose(row["features"], expected)


def test_a_release_in_two_genre_folders_takes_turns_over_both_genres(covers, tmp_path):
    _build(covers, tmp_path / "out", pairs_per_cover=4)
    data = read_dataset(tmp_path / "out")
    assert sorted(data[data["release_id"] == "900"]["genre"]) == ["Pop", "Pop", "Rock", "Rock"]


def test_same_seed_rebuilds_the_same_bytes_whatever_the_shard_size(covers, tmp_path):
    _build(covers, tmp_path / "a", covers_per_shard=2)
    _build(covers, tmp_path / "b", covers_per_shard=50, scheduler="synchronous")
    a = read_dataset(tmp_path / "a").sort_values(["release_id", "track_id"]).reset_index(drop=True)
    b = read_dataset(tmp_path / "b").sort_values(["release_id", "track_id"]).reset_index(drop=True)
    assert a["cover"].tolist() == b["cover"].tolist()
    assert a["track_id"].tolist() == b["track_id"].tolist()
    assert (
        json.loads((tmp_path / "a" / "summary.json").read_text())["content_digest"]
        == json.loads((tmp_path / "b" / "summary.json").read_text())["content_digest"]
    )


def test_a_different_seed_gives_different_copies(covers, tmp_path):
    first = _build(covers, tmp_path / "a", seed=1)
    second = _build(covers, tmp_path / "b", seed=2)
    assert first.content_digest != second.content_digest
    assert set(read_dataset(tmp_path / "a")["cover"]).isdisjoint(read_dataset(tmp_path / "b")["cover"])


def test_every_row_gets_its_own_copy_of_the_cover(covers, tmp_path):
    _build(covers, tmp_path / "out", pairs_per_cover=6)
    covers_written = read_dataset(tmp_path / "out")["cover"]
    assert covers_written.nunique() == len(covers_written)


def test_images_are_resized_to_the_requested_size(covers, tmp_path):
    _build(covers, tmp_path / "out", image_size=48)
    assert inspect_dataset(tmp_path / "out").cover_size == (48, 48)


def test_summary_json_counts_match_the_rows_written(covers, tmp_path):
    summary = _build(covers, tmp_path / "out")
    stored = json.loads((tmp_path / "out" / "summary.json").read_text())
    data = read_dataset(tmp_path / "out")
    assert stored["rows"] == summary.rows == len(data)
    for split, per_genre in stored["counts"].items():
        for genre, n in per_genre.items():
            assert n == ((data["split"] == split) & (data["genre"] == genre)).sum()


def test_a_rebuild_replaces_old_shards_instead_of_mixing_with_them(covers, tmp_path):
    _build(covers, tmp_path / "out", covers_per_shard=1)
    _build(covers, tmp_path / "out", covers_per_shard=50)
    assert len(read_dataset(tmp_path / "out")) == 11 * 3


def test_a_corrupt_cover_is_skipped_and_reported(covers, tmp_path):
    (covers / "Pop" / "R-103-1500000000-1234-jpeg.jpg").write_bytes(b"not a jpeg")
    summary = _build(covers, tmp_path / "out")
    assert summary.skipped_covers == ["R-103-1500000000-1234-jpeg.jpg"]
    assert summary.rows == 10 * 3


def test_the_index_csv_is_used_when_present(tmp_path):
    covers = write_covers(tmp_path / "covers", {"Pop": ["1", "2"], "Rock": ["3"]}, index=True)
    (covers / "index.csv").write_text("path,genre,discogs_release_id\nPop/R-1-1500000000-1234-jpeg.jpg,Pop,1\n")
    assert _build(covers, tmp_path / "out").covers == 1


def test_the_builder_reads_covers_on_a_dask_distributed_cluster(covers, tmp_path):
    from distributed import LocalCluster

    local = _build(covers, tmp_path / "local")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        remote = _build(covers, tmp_path / "cluster", scheduler_address=cluster.scheduler_address)
    assert remote.counts == local.counts
    assert remote.content_digest == local.content_digest
    assert sorted(read_dataset(tmp_path / "cluster")["cover"]) == sorted(read_dataset(tmp_path / "local")["cover"])


def test_an_unreachable_scheduler_is_a_clear_error(covers, tmp_path):
    from tests.servers.process import free_port

    with pytest.raises(DatasetError, match="cannot reach the dask scheduler"):
        _build(covers, tmp_path / "out", scheduler_address=f"tcp://127.0.0.1:{free_port()}")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pairs_per_cover": 0}, "pairs per cover"),
        ({"image_size": 8}, "image size"),
        ({"covers_per_shard": 0}, "covers per shard"),
        ({"scheduler": "gpu"}, "local scheduler"),
        ({"ratios": (0.9, 0.2, 0.1)}, "split ratios"),
    ],
)
def test_bad_build_options_are_rejected_with_a_message_naming_them(covers, tmp_path, overrides, message):
    with pytest.raises(DatasetError, match=message):
        _build(covers, tmp_path / "out", **overrides)


def test_a_missing_covers_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        _build(tmp_path / "nowhere", tmp_path / "out")


def test_an_empty_covers_folder_is_a_clear_error(tmp_path):
    (tmp_path / "covers" / "Pop").mkdir(parents=True)
    with pytest.raises(DatasetError, match="no cover images"):
        _build(tmp_path / "covers", tmp_path / "out")


@pytest.mark.needs_shared
def test_read_dataset_reads_the_originals_sample_with_unlabelled_metadata(shared_data):
    sample = read_dataset(shared_data.parent / "seed" / "sampleset2.parquet")
    assert len(sample) == 10
    assert set(sample["split"]) == {"-"}
    assert sample["features"].map(len).eq(8).all()


def test_a_cover_genre_without_a_track_pool_is_named(covers, tmp_path):
    (covers / "Jazz").mkdir()
    (covers / "Pop" / "R-101-1500000000-1234-jpeg.jpg").rename(covers / "Jazz" / "R-101-1500000000-1234-jpeg.jpg")
    with pytest.raises(PairingError, match="Jazz"):
        _build(covers, tmp_path / "out")


def test_max_covers_keeps_a_seeded_subset_of_releases(covers, tmp_path):
    _build(covers, tmp_path / "a", max_covers=4)
    _build(covers, tmp_path / "b", max_covers=4)
    first, again = read_dataset(tmp_path / "a"), read_dataset(tmp_path / "b")
    assert first["release_id"].nunique() == 4
    assert set(first["release_id"]) == set(again["release_id"])
    with pytest.raises(DatasetError, match="max covers"):
        _build(covers, tmp_path / "c", max_covers=0)
