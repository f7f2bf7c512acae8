"""GenreMapper and resolve_seed_genres, with a small map and a fake encoder (no model load)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from services.playlist.genres.embedding import GenreEmbeddingIndex
from services.playlist.genres.mapping import (
    GenreMapInvalid,
    GenreMapper,
    UnknownGenre,
    load_genre_mapper,
    read_genre_map,
    resolve_seed_genres,
)
from services.playlist.genres.votes import neighbour_confidence
from shared.errors import InvalidInput
from shared.genres import MAX_NAME_CHARS, SEED_GENRE_SET

SMALL_MAP = {
    "pop": ["pop"],
    "hip-hop": ["hip-hop"],
    "zeuhl": ["psych-rock", "rock"],
    "zeuhl progressif": ["psych-rock"],
    "semba": ["afrobeat", "dance"],
    "r&b": ["r-n-b"],
    "musica mexicana": ["latin"],
}


def trigram_encoder(texts: Sequence[str]) -> np.ndarray:
    """A deterministic stand-in for the text model: hashed character trigrams, unit length."""
    out = np.zeros((len(texts), 256), dtype=np.float32)
    for row, text in enumerate(texts):
        padded = f"  {text.lower()}  "
        for i in range(len(padded) - 2):
            out[row, int(hashlib.md5(padded[i : i + 3].encode()).hexdigest(), 16) % 256] += 1.0
        out[row] /= np.linalg.norm(out[row]) or 1.0
    return out


@pytest.fixture
def mapper() -> GenreMapper:
    keys = list(SMALL_MAP)
    index = GenreEmbeddingIndex(keys, trigram_encoder(keys), encoder=trigram_encoder)
    return GenreMapper(SMALL_MAP, embeddings=index)


def test_known_name_is_found_whatever_its_case_spacing_or_hyphens(mapper: GenreMapper) -> None:
    assert mapper.map("R&B") == ["r-n-b"]
    assert mapper.map("  Hip   Hop ") == ["hip-hop"]
    assert mapper.map("Música Mexicana") == ["latin"]


def test_unlisted_name_with_style_and_place_words_is_mapped_by_the_rules(mapper: GenreMapper) -> None:
    assert mapper.map("brooklyn drill") == ["hip-hop"]
    assert mapper.map("rap francais") == ["hip-hop", "french"]


def test_unlisted_name_without_rule_words_takes_its_nearest_neighbours_seeds(mapper: GenreMapper) -> None:
    assert mapper.map("zeuhl nouveau")[0] == "psych-rock"
    assert mapper.map("semba angolano")[0] == "afrobeat"


def test_leave_one_out_never_answers_with_the_name_itself(mapper: GenreMapper) -> None:
    assert mapper.map_unlisted("zeuhl", exclude_key="zeuhl") == ["psych-rock"]  # from "zeuhl progressif"


@pytest.mark.parametrize(
    "garbage", ["", "   ", "!!!", "???---", "1234", "asdfghjk", "qwerty hjkl", "zzzzz", "zzqx", "xkcd", "qwpl zzqx"]
)
def test_empty_or_garbage_input_maps_to_nothing(mapper: GenreMapper, garbage: str) -> None:
    assert mapper.map(garbage) == []


def test_too_long_or_non_string_input_maps_to_nothing(mapper: GenreMapper) -> None:
    assert mapper.map("rock " * 100) == []
    assert mapper.map(42) == []  # type: ignore[arg-type]
    assert mapper.map(None) == []  # type: ignore[arg-type]


def test_every_answer_is_at_most_three_valid_seed_genres(mapper: GenreMapper) -> None:
    names = ["japanese death metal", "brazilian indie pop rap", "zeuhl", "uk garage house", "polish shoegaze"]
    for seeds in mapper.map_many(names).values():
        assert 1 <= len(seeds) <= 3 and set(seeds) <= SEED_GENRE_SET


def test_mapper_without_embeddings_still_maps_rule_words_and_returns_nothing_else(mapper: GenreMapper) -> None:
    bare = GenreMapper(SMALL_MAP)
    assert bare.map("german techno") == ["techno", "german"]
    assert bare.map("zeuhlique nouveau") == []


def test_resolve_passes_seed_genres_through_and_maps_micro_genres(mapper: GenreMapper) -> None:
    assert resolve_seed_genres(["k-pop", "brooklyn drill", "hip-hop"], mapper) == ["k-pop", "hip-hop"]


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ([""], "empty"),
        (["   "], "empty"),
        (["!!!"], "maps to no seed genre"),
        (["x" * (MAX_NAME_CHARS + 1)], "characters"),
        ([42], "must be a string"),
        ([None], "must be a string"),
        ("pop", "list of names"),
    ],
)
def test_each_bad_input_is_rejected_naming_it_and_listing_the_valid_genres(
    mapper: GenreMapper, given: object, problem: str
) -> None:
    with pytest.raises(UnknownGenre) as info:
        resolve_seed_genres(given, mapper)  # type: ignore[arg-type]
    detail = info.value.detail
    assert problem in detail["message"] and "valid seed genres: acoustic, afrobeat" in detail["message"]
    assert detail["valid"][:2] == ["acoustic", "afrobeat"] and len(detail["valid"]) == 126
    assert isinstance(info.value, InvalidInput) and info.value.status_code == 422


def test_long_bad_input_is_shortened_in_the_error(mapper: GenreMapper) -> None:
    with pytest.raises(UnknownGenre) as info:
        resolve_seed_genres(["y" * 5000], mapper)
    assert len(str(info.value).split(":")[0]) < 100
    assert len(info.value.detail["unknown"][0]) <= 60


def test_invalid_map_file_is_refused_naming_the_bad_entry(tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"rock": ["rock"], "canadian pop": ["pop", "canadian"]}))
    with pytest.raises(GenreMapInvalid, match="canadian pop"):
        read_genre_map(path)
    path.write_text(json.dumps({"x": ["rock", "pop", "jazz", "soul"]}))
    with pytest.raises(GenreMapInvalid, match="1-3"):
        read_genre_map(path)
    path.write_text("[not json")
    with pytest.raises(GenreMapInvalid, match="cannot read"):
        read_genre_map(path)


def test_shipped_mapper_answers_known_names_without_loading_the_model() -> None:
    mapper = load_genre_mapper.__wrapped__()  # uncached: another test may have loaded the model
    assert mapper.map("german hip hop") == ["hip-hop", "german"]
    assert mapper.map("Deep House")[0] == "deep-house"
    assert not mapper.model_loaded  # the text model loads only when a name misses the file


def test_place_only_name_maps_to_its_region_first(mapper: GenreMapper) -> None:
    assert mapper.map("zeuhl mexicana")[0] == "latin"
    assert mapper.map("musica galega")[0] == "spanish"


def test_without_a_style_word_only_the_best_neighbour_vote_is_kept(mapper: GenreMapper) -> None:
    assert mapper.map("zeuhlique nouveau") == ["psych-rock"]


def test_a_known_name_and_one_more_word_is_the_known_name(mapper: GenreMapper) -> None:
    assert mapper.map("zeuhl nouveau") == ["psych-rock", "rock"]  # zeuhl's own seeds, not a neighbour vote
    assert mapper.map("nouveau semba") == ["afrobeat", "dance"]
    assert mapper.map("zeuhl nouveau grand") != ["psych-rock", "rock"]  # two more words: not this rule


def test_a_known_name_split_in_two_is_the_known_name(mapper: GenreMapper) -> None:
    assert mapper.map("zeu hl") == ["psych-rock", "rock"]


def test_answers_for_unlisted_names_are_copies_callers_may_change(mapper: GenreMapper) -> None:
    first = mapper.map("zeuhlique nouveau")
    first.append("pop")
    assert mapper.map("zeuhlique nouveau") == ["psych-rock"]


def test_resolving_no_names_asks_for_no_genre(mapper: GenreMapper) -> None:
    assert resolve_seed_genres([], mapper) == []


def test_one_bad_name_among_good_ones_fails_the_whole_request(mapper: GenreMapper) -> None:
    with pytest.raises(UnknownGenre, match="'!!!'"):
        resolve_seed_genres(["pop", "!!!"], mapper)


def test_shipped_mapper_maps_key_mashes_to_nothing_without_loading_the_model() -> None:
    mapper = load_genre_mapper.__wrapped__()  # uncached: another test may have loaded the model
    assert mapper.map("zzqx") == []
    assert mapper.map("fjdksl qweqwe") == []
    assert not mapper.model_loaded  # a mash is refused before any embedding is asked for


@pytest.mark.parametrize("markup", ["<img src=x onerror=alert(1)>", "pop</b>", "rock; drop table", '{"$ne": 1}'])
def test_names_with_characters_no_genre_has_map_to_nothing(mapper: GenreMapper, markup: str) -> None:
    assert mapper.map(markup) == []


def test_near_agreeing_neighbours_are_more_confident_than_far_or_split_ones() -> None:
    agreeing = neighbour_confidence([("a", 0.8), ("b", 0.7)], [("rock", 1.0)])
    split = neighbour_confidence([("a", 0.8), ("b", 0.7)], [("rock", 0.4), ("pop", 0.3), ("jazz", 0.3)])
    far = neighbour_confidence([("a", 0.45)], [("rock", 1.0)])
    assert agreeing == pytest.approx(0.8)
    assert split == pytest.approx(0.32)
    assert far < agreeing and split < agreeing
    assert neighbour_confidence([], []) == 0.0


@pytest.mark.parametrize("name", ["mbira", "kalimba drums", "vanuatu music", "canzone genovese", "jaw harp"])
def test_a_name_about_music_is_a_genre_however_far_its_neighbours(mapper: GenreMapper, name: str) -> None:
    # An instrument or a word for music in any language: the neighbours (all far here) only choose the seed.
    seeds = mapper.map(name)
    assert seeds and set(seeds) <= SEED_GENRE_SET
    assert mapper.map_unlisted("zzqx vanuatu") == []  # the same far neighbours without a music word: refused


@pytest.mark.parametrize("request_", ["play some music", "the songs from that movie", "music for studying"])
def test_a_request_with_a_music_word_is_still_no_genre(mapper: GenreMapper, request_: str) -> None:
    assert mapper.map(request_) == []


def test_a_name_about_music_without_embeddings_maps_to_nothing_rather_than_a_guess() -> None:
    assert GenreMapper(SMALL_MAP).map("mbira") == []


def test_two_genre_words_glued_are_read_as_the_two_words(mapper: GenreMapper) -> None:
    assert mapper.map("sembazeuhl") == mapper.map("semba zeuhl") != []
    assert mapper.spelling.split_glued("sembazeuhl") == "semba zeuhl"
    assert mapper.spelling.split_glued("zeuhl") is None  # a known word is never split
    assert mapper.spelling.split_glued("banana") is None  # nor an English word


@pytest.mark.parametrize("sentence", ["tunes for a wedding party", "background noise for my office", "zeuhl for me"])
def test_a_name_with_a_word_of_a_request_is_no_genre_even_beside_genre_words(
    mapper: GenreMapper, sentence: str
) -> None:
    # No known genre name uses "for", "my", "the", "play" ...: a name with one is a sentence, whatever else it has.
    assert mapper.map(sentence) == []
