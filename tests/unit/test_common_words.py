"""The common-word list (data/common_words.txt.gz) and the rule it serves: a lone ordinary word of some language is
no genre (services/playlist/genres/common_words.py)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from services.playlist.genres.common_words import DEFAULT_COMMON_WORDS_PATH, CommonWords, common_words
from services.playlist.genres.embedding import GenreEmbeddingIndex
from services.playlist.genres.mapping import GenreMapper
from services.playlist.genres.rules import normalise_genre
from tests.unit.test_genre_map import SMALL_MAP, trigram_encoder


def _mapper(common: list[str]) -> GenreMapper:
    keys = list(SMALL_MAP)
    index = GenreEmbeddingIndex(keys, trigram_encoder(keys), encoder=trigram_encoder)
    return GenreMapper(SMALL_MAP, embeddings=index, common=CommonWords(common))


def test_membership_is_exact_for_listed_words_and_false_for_anything_else() -> None:
    words = CommonWords(["raha", "zitti", "koka"])
    assert len(words) == 3
    assert "raha" in words and "zitti" in words
    assert "makossa" not in words and "" not in words and 3 not in words


def test_a_name_near_known_names_is_refused_when_its_only_unknown_word_is_common() -> None:
    # "zeuhlique" sits beside "zeuhl" (accepted by its neighbours) until the list says it is an ordinary word.
    assert _mapper([]).map("zeuhlique") == ["psych-rock"]
    assert _mapper(["zeuhlique"]).map("zeuhlique") == []
    assert _mapper(["zeuhlique"]).confidence("zeuhlique") is None  # decided by its words, not the floor


def test_one_rare_word_beside_common_ones_keeps_the_name_a_candidate() -> None:
    assert _mapper(["nouveau"]).map("zeuhlique nouveau") == ["psych-rock"]
    assert _mapper(["nouveau", "zeuhlique"]).map("zeuhlique nouveau") == []


def test_genre_words_and_names_about_music_are_never_refused_as_common() -> None:
    mapper = _mapper(["semba", "mbira"])
    assert mapper.map("semba") == ["afrobeat", "dance"]  # a known name: the file answers first
    assert mapper.map("mbira") != []  # an instrument


def test_without_the_file_the_rule_is_off(tmp_path: Path) -> None:
    assert len(CommonWords.read(tmp_path / "missing.txt.gz")) == 0


def test_the_shipped_list_is_sorted_folded_latin_words_with_ordinary_words_and_no_coinages() -> None:
    with gzip.open(DEFAULT_COMMON_WORDS_PATH, "rt", encoding="utf-8") as fh:
        words = fh.read().split()
    assert words == sorted(set(words)) and len(words) > 500_000
    sample = words[:: len(words) // 2000]
    assert all(w.isascii() and w.isalpha() and len(w) >= 3 and normalise_genre(w) == w for w in sample)
    shipped = common_words()
    assert all(w in shipped for w in ("raha", "zitti", "koka", "musique"))
    assert "makossa" not in shipped and "schranz" not in shipped


@pytest.mark.slow
def test_the_shipped_list_is_what_the_build_command_writes(tmp_path: Path) -> None:
    pytest.importorskip("wordfreq", reason="wordfreq (a dev dependency) builds the list")
    from pipeline.genres.common_words import write_common_words

    write_common_words(tmp_path / "words.txt.gz")
    # The words, not the bytes: another zlib may compress the same text differently.
    assert gzip.decompress((tmp_path / "words.txt.gz").read_bytes()) == gzip.decompress(
        DEFAULT_COMMON_WORDS_PATH.read_bytes()
    )
