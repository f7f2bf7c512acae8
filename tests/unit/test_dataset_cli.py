"""`pressedplay dataset build|inspect` as a user runs them: output, counts, and one-line errors with exit code 2."""

from __future__ import annotations

import json

import pytest

from pipeline.cli import main
from tests.fakes.covers import write_covers


@pytest.mark.needs_shared
def test_inspect_reads_the_originals_sample_set(shared_data, capsys):
    assert main(["dataset", "inspect", str(shared_data.parent / "seed" / "sampleset2.parquet")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("10 rows in 1 file(s)")
    assert "loudness" in out


def test_inspect_of_a_missing_path_is_a_one_line_error(tmp_path, capsys):
    assert main(["dataset", "inspect", str(tmp_path / "nothing")]) == 2
    assert capsys.readouterr().err.strip() == f"pressedplay: error: {tmp_path / 'nothing'} does not exist"


def test_inspect_of_a_parquet_file_that_is_not_a_shard_names_the_missing_columns(tmp_path, capsys):
    import pandas as pd

    pd.DataFrame({"x": [1]}).to_parquet(tmp_path / "other.parquet")
    assert main(["dataset", "inspect", str(tmp_path / "other.parquet")]) == 2
    assert "lacks the cover and features columns" in capsys.readouterr().err


@pytest.mark.needs_shared
def test_build_pairs_generated_covers_with_the_catalog_and_inspect_counts_them(shared_data, tmp_path, capsys):
    covers = write_covers(tmp_path / "covers", {"Country": ["1", "2"], "HipHop": ["3", "4"]})
    argv = ["dataset", "build", "--covers", str(covers), "--out", str(tmp_path / "out"), "--pairs-per-cover", "2"]
    assert main([*argv, "--image-size", "64", "--no-progress"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"] == 8
    assert main(["dataset", "inspect", str(tmp_path / "out")]) == 0
    report = capsys.readouterr().out
    assert "Country" in report
    assert "HipHop" in report
    assert "releases in more than one split: 0" in report


def test_build_with_a_bad_option_is_a_one_line_error(tmp_path, capsys):
    covers = write_covers(tmp_path / "covers", {"Pop": ["1"]})
    assert main(["dataset", "build", "--covers", str(covers), "--pairs-per-cover", "0", "--out", str(tmp_path)]) == 2
    assert "pairs per cover must be at least 1" in capsys.readouterr().err


@pytest.mark.needs_shared
def test_pools_lists_every_cover_genre_with_its_size_and_source(shared_data, capsys):
    assert main(["dataset", "pools"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["Country", "Electronic", "HipHop", "Pop", "Rock"]
    assert "catalog playlist genre edm" in lines[1]
