"""The real text model behind the runtime fallback (slow: loads all-MiniLM-L6-v2 from site-packages)."""

from __future__ import annotations

import numpy as np
import pytest

from services.playlist.genres.embedding import GenreEmbeddingIndex, MiniLMEncoder
from services.playlist.genres.mapping import UnknownGenre, load_genre_mapper, resolve_seed_genres
from shared.genres import SEED_GENRE_SET

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    return MiniLMEncoder()


def test_model_loads_offline_and_similar_names_embed_closer(encoder: MiniLMEncoder) -> None:
    drill, uk_drill, baroque = encoder(["drill", "uk drill", "baroque"])
    assert np.allclose(np.linalg.norm([drill, baroque], axis=1), 1.0, atol=1e-4)
    assert float(drill @ uk_drill) > float(drill @ baroque) + 0.2


def test_shipped_vectors_are_what_the_model_gives(encoder: MiniLMEncoder) -> None:
    index = GenreEmbeddingIndex.load(encoder=encoder)
    names = ["deep house", "swedish jazz", "kuduro"]
    rows = [index.keys.index(n) for n in names]
    fresh = encoder(names)
    assert np.allclose(index.vectors[rows].astype(np.float32), fresh, atol=2e-3)


def test_name_without_rule_words_is_mapped_by_its_embedding_neighbours(encoder: MiniLMEncoder) -> None:
    mapper = load_genre_mapper()
    neighbours = [name for name, _ in mapper.nearest_known("rebetiko remixes", k=3)]
    assert "rebetiko" in neighbours
    seeds = mapper.map("rebetiko remixes")
    assert seeds and set(seeds) <= SEED_GENRE_SET and seeds[0] in mapper.known["rebetiko"]
    assert mapper.model_loaded


def test_real_genre_words_the_file_lacks_still_map_and_are_not_taken_for_garbage(encoder: MiniLMEncoder) -> None:
    mapper = load_genre_mapper()
    for name in ("zamrock", "shangaan electro"):  # neither is in the file; zamrock has no rule word either
        assert mapper.lookup(name) is None
        seeds = mapper.map(name)
        assert seeds and set(seeds) <= SEED_GENRE_SET


@pytest.mark.parametrize("garbage", ["<img src=x onerror=alert(1)>", "zzz-not-a-genre"])
def test_names_the_neighbours_cannot_place_with_confidence_are_unknown_genres(
    encoder: MiniLMEncoder, garbage: str
) -> None:
    mapper = load_genre_mapper()
    assert mapper.map_unlisted(garbage) == []  # past the markup check too: the confidence floor alone refuses it
    with pytest.raises(UnknownGenre):
        resolve_seed_genres([garbage], mapper)
