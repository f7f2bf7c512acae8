"""Invariants of the shipped genremappings.json, its embeddings and the hand labels."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.genres.evaluation import read_labels
from services.playlist.genres.embedding import DEFAULT_EMBEDDINGS_PATH
from services.playlist.genres.mapping import DEFAULT_MAP_PATH, read_genre_map
from shared.genres import SEED_GENRE_SET, SEED_GENRES


@pytest.fixture(scope="module")
def shipped() -> dict[str, list[str]]:
    return read_genre_map(DEFAULT_MAP_PATH)


def test_every_value_is_one_to_three_distinct_seed_genres(shipped: dict[str, list[str]]) -> None:
    assert {v for values in shipped.values() for v in values} <= SEED_GENRE_SET
    assert all(1 <= len(values) <= 3 and len(set(values)) == len(values) for values in shipped.values())


def test_every_seed_genre_maps_to_itself_first(shipped: dict[str, list[str]]) -> None:
    assert all(shipped[seed][0] == seed for seed in SEED_GENRES)


def test_map_covers_every_every_noise_genre(shipped: dict[str, list[str]], shared_data: Path) -> None:
    with (shared_data / "genres" / "everynoise_genres.csv").open(encoding="utf-8", newline="") as fh:
        names = [row["genre"] for row in csv.DictReader(fh)]
    assert len(names) == 5453 and not [n for n in names if n not in shipped]


def test_map_covers_every_genre_with_feature_means(shipped: dict[str, list[str]], shared_data: Path) -> None:
    with (shared_data / "genres" / "genre_feature_means.csv").open(encoding="utf-8", newline="") as fh:
        names = [row["genres"] for row in csv.DictReader(fh) if row["genres"] != "[]"]
    assert not [n for n in names if n not in shipped]


def test_shipped_embeddings_match_the_map_keys_and_stay_small(shipped: dict[str, list[str]]) -> None:
    meta = json.loads(DEFAULT_EMBEDDINGS_PATH.with_suffix(".json").read_text(encoding="utf-8"))
    vectors = np.load(DEFAULT_EMBEDDINGS_PATH)
    assert meta["keys"] == sorted(shipped) and vectors.shape == (len(shipped), meta["dim"])
    assert vectors.dtype == np.float16 and DEFAULT_EMBEDDINGS_PATH.stat().st_size < 8_000_000
    assert np.allclose(np.linalg.norm(vectors[:50].astype(np.float32), axis=1), 1.0, atol=1e-2)


def test_labels_are_enough_valid_and_novel_names_are_not_in_the_map(shipped: dict[str, list[str]]) -> None:
    labels = read_labels()
    novel = [lb for lb in labels if lb.source == "novel"]
    assert len(labels) >= 200 and len(novel) >= 60
    assert not [lb.genre for lb in novel if lb.genre in shipped]
    assert {lb.split for lb in labels} == {"dev", "test", "dev2", "test2"}
