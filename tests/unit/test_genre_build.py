"""The genre map builder, the `pressedplay genres` commands and the scoring behind docs/genres.md."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.cli import main
from pipeline.genres.evaluation import Label, Score
from pipeline.genres.map_build import (
    GenreSources,
    SharedDataMissing,
    build_genre_map,
    load_sources,
    run_build,
    translate_original,
    write_genre_map,
)
from services.playlist.genres.embedding import DEFAULT_EMBEDDINGS_PATH
from services.playlist.genres.mapping import DEFAULT_MAP_PATH, read_genre_map
from shared.genres import SEED_GENRE_SET, SEED_GENRES
from tests.unit.test_genre_map import trigram_encoder


def test_original_values_that_are_not_seed_genres_are_translated_or_dropped() -> None:
    assert translate_original("contemporary r&b", ["r&b", "soul"]) == ["r-n-b", "soul"]
    assert translate_original("gangster rap", ["rap"]) == ["hip-hop"]
    assert translate_original("italian pop", ["pop", "italian"]) == ["pop"]


def test_original_region_values_contradicting_the_names_place_are_dropped() -> None:
    assert translate_original("canadian pop", ["pop", "british"]) == ["pop"]
    assert translate_original("uk drill", ["hip-hop", "british"]) == ["hip-hop", "british"]
    assert translate_original("grime", ["hip-hop", "british"]) == ["hip-hop", "british"]  # no place word: kept


@pytest.fixture
def toy_sources() -> GenreSources:
    return GenreSources(
        everynoise={"zeuhl": (100.0, 200.0), "zeuhl progressif": (105.0, 205.0), "canadian pop": (500.0, 500.0)},
        feature_means={"zeuhl": np.full(8, 0.3), "semba": np.full(8, 0.8), "semba nuevo": np.full(8, 0.79)},
        original={"zeuhl": ["progressive", "psych-rock"], "semba": ["african", "dance"], "canadian pop": ["pop"]},
    )


def test_build_covers_every_source_name_with_valid_values_decided_in_order(toy_sources: GenreSources) -> None:
    result, vectors = build_genre_map(toy_sources, overrides={"canadian pop": ["pop", "dance"]}, embed=trigram_encoder)
    assert set(result.mapping) == set(toy_sources.names()) and len(vectors) == len(result.mapping)
    assert all(1 <= len(v) <= 3 and set(v) <= SEED_GENRE_SET for v in result.mapping.values())
    assert result.mapping["canadian pop"] == ["pop", "dance"] and result.provenance["canadian pop"] == "override"
    assert result.mapping["zeuhl"] == ["psych-rock"] and result.provenance["zeuhl"] == "original map"
    assert result.mapping["semba"] == ["dance"]  # "african" has no seed genre
    assert (
        result.provenance["zeuhl progressif"] == "neighbours" and result.mapping["zeuhl progressif"][0] == "psych-rock"
    )
    assert all(result.mapping[s] == [s] for s in SEED_GENRES)


def test_written_map_reads_back_identically(tmp_path: Path) -> None:
    mapping = {"b genre": ["rock"], "a genre": ["pop", "dance"]}
    write_genre_map(tmp_path / "m.json", mapping)
    assert read_genre_map(tmp_path / "m.json") == mapping
    assert (tmp_path / "m.json").read_text().splitlines()[1].startswith('  "a genre"')


def test_builder_says_clearly_when_the_shared_data_is_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PRESSEDPLAY_SHARED_DATA", str(tmp_path / "absent" / "data"))
    with pytest.raises(SharedDataMissing, match="development data"):
        load_sources()
    assert main(["genres", "build"]) == 2
    assert "needs the development data" in capsys.readouterr().err


def test_map_command_prints_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["genres", "map", "--json", "german hip hop", "K-Pop", "!!!"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "german hip hop": ["hip-hop", "german"],
        "K-Pop": ["k-pop"],
        "!!!": [],
    }


def test_map_command_prints_a_line_per_genre(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["genres", "map", "deep house", ""]) == 0
    assert capsys.readouterr().out.splitlines() == ["deep house\tdeep-house, house", "\t(no seed genre)"]


def test_top1_counts_the_first_guess_and_precision_every_guess() -> None:
    score = Score()
    score.add(Label("a", ("rock", "metal"), "everynoise", "dev"), ["rock", "pop"])
    score.add(Label("b", ("jazz",), "everynoise", "dev"), ["blues", "jazz"])
    score.add(Label("c", ("soul",), "novel", "dev"), [])
    assert score.as_dict() == {"n": 3, "coverage": 0.667, "top1": 0.333, "precision": 0.5, "mean_predicted": 1.33}


@pytest.mark.slow
def test_rebuild_from_shared_reproduces_the_shipped_map(shared_data: Path, tmp_path: Path) -> None:
    out_map, out_vectors = tmp_path / "genremappings.json", tmp_path / "genre_embeddings.npy"
    out_vectors.write_bytes(DEFAULT_EMBEDDINGS_PATH.read_bytes())  # reuse the shipped vectors: no model load
    out_vectors.with_suffix(".json").write_bytes(DEFAULT_EMBEDDINGS_PATH.with_suffix(".json").read_bytes())
    run_build(map_path=out_map, embeddings_path=out_vectors)
    assert out_map.read_text(encoding="utf-8") == DEFAULT_MAP_PATH.read_text(encoding="utf-8")
