"""Real genre names accepted, non-genres refused (issue 23): what the shipped resolver does with each kind of name,
the 422's suggestions, and the check set behind `pressedplay genres check` (docs/genres.md)."""

from __future__ import annotations

import pytest

from pipeline.genres.check import KindScore, draw_check_set, format_check, heldout_mapper, resolve, score
from pipeline.genres.check_set import DEFAULT_CHECK_PATH, REFUSED, CheckItem, read_check_set, split_of
from services.playlist.genres.embedding import GenreEmbeddingIndex
from services.playlist.genres.mapping import GenreMapper, UnknownGenre, load_genre_mapper, resolve_seed_genres
from services.playlist.genres.spelling import GenreSpelling, edit_distance, english_words
from shared.genres import SEED_GENRE_SET
from tests.unit.test_genre_map import SMALL_MAP, trigram_encoder


@pytest.fixture(scope="module")
def shipped() -> GenreMapper:
    return load_genre_mapper()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("rokc", "rock"),
        ("jazzz", "jazz"),
        ("elecronic", "electronic"),
        ("hip hopp", "hip-hop"),
        ("clasical", "classical"),
        ("new agw", "new-age"),
        ("drumm and bass", "drum-and-bass"),
        ("raggae", "reggae"),
        ("slow core", "slowcore"),  # a known name split in two
    ],
)
def test_a_misspelled_genre_is_corrected_not_refused(shipped: GenreMapper, typed: str, meant: str) -> None:
    answer = resolve_seed_genres([typed], shipped)
    expected = shipped.lookup(meant)
    assert expected and answer[0] == expected[0]


@pytest.mark.parametrize(
    "garbage",
    [
        "sock",  # an English word one slip from "rock" is a word, not a slip
        "banana",
        "mango",
        "see you tomorrow",
        "play some jazz for me",
        "not a genre",
        "the quick brown fox jumps over the lazy dog",
        "www.rock.com",
        "/jazz/",
        "#pop",
        "**house**",
        "rock()",
        "eiku21kvh",
        "grz",
        "lvoxbiezgj",
    ],
)
def test_a_non_genre_is_refused(shipped: GenreMapper, garbage: str) -> None:
    with pytest.raises(UnknownGenre):
        resolve_seed_genres([garbage], shipped)


@pytest.mark.parametrize(
    "real", ["chicago juke", "dalarna indie", "social media pop", "rebetiko remixes", "edm", "c86", "8-bit", "lo-fi"]
)
def test_real_names_stay_accepted(shipped: GenreMapper, real: str) -> None:
    seeds = resolve_seed_genres([real], shipped)
    assert seeds and set(seeds) <= SEED_GENRE_SET


def test_every_name_of_the_file_is_still_answered_by_the_file(shipped: GenreMapper) -> None:
    # First seeds only: "deep-house" and "deep house" normalise alike, and the file answers for both.
    assert all(shipped.map(name)[:1] == seeds[:1] for name, seeds in shipped.known.items())


def test_the_422_suggests_what_the_words_point_to(shipped: GenreMapper) -> None:
    with pytest.raises(UnknownGenre) as info:
        resolve_seed_genres(["play some jazz for me"], shipped)
    detail = info.value.detail
    assert detail["suggestions"] == ["jazz"] and "did you mean jazz?" in detail["message"]
    with pytest.raises(UnknownGenre) as info:
        resolve_seed_genres(["banana"], shipped)
    assert info.value.detail["suggestions"] == [] and "did you mean" not in info.value.detail["message"]


def test_markup_never_reaches_the_neighbours_so_it_never_weighs_on_the_floor(shipped: GenreMapper) -> None:
    assert shipped.confidence("<b>zikir</b>") is None and shipped.confidence("www.zikir.com") is None


def test_edit_distance_counts_a_swap_as_one_slip_and_stops_past_the_limit() -> None:
    assert edit_distance("rokc", "rock", limit=2) == 1
    assert edit_distance("jaz", "jazz", limit=2) == 1
    assert edit_distance("banana", "bandana", limit=2) == 1
    assert edit_distance("bach", "rock", limit=1) == 2  # limit + 1: more than allowed


def test_spelling_never_corrects_short_words_english_words_or_genre_words() -> None:
    spelling = GenreSpelling(["rock", "indie rock", "house"], dictionary=frozenset({"sock", "horse"}))
    assert spelling.correct_word("rokc") == "rock"
    assert spelling.correct_word("sock") is None and spelling.correct_word("horse") is None
    assert spelling.correct_word("rok") is None  # under 4 letters: too many words are one slip away
    assert spelling.correct("indie rokc") == "indie rock"
    assert spelling.sentence_like("sock horse") and not spelling.sentence_like("indie rock")


def test_the_text_models_vocabulary_gives_the_english_words() -> None:
    words = english_words()
    assert len(words) > 15_000 and {"banana", "tomorrow", "rock"} <= words and "rokc" not in words


# --- the check set -------------------------------------------------------------------------------------------


def test_the_committed_check_set_has_every_kind_on_both_splits_with_valid_expectations() -> None:
    items = read_check_set()
    kinds = {i.kind for i in items}
    assert kinds == {"heldout", "misspelling", *REFUSED}
    for kind in kinds:
        assert {i.split for i in items if i.kind == kind} == {"dev", "test"}, kind
    for item in items:
        assert item.split == split_of(item.name)
        assert bool(item.expected) != item.should_refuse, item
        assert set(item.expected) <= SEED_GENRE_SET
    assert len({i.name for i in items}) == len(items)


@pytest.mark.needs_shared
def test_drawing_the_check_set_again_gives_the_committed_one(shared_data) -> None:
    assert draw_check_set() == read_check_set(DEFAULT_CHECK_PATH)


def test_held_out_names_are_out_of_the_file_the_embeddings_and_the_letter_model(shipped: GenreMapper) -> None:
    assert shipped.lookup("zolo") and "zolo" in shipped.spelling.word_counts
    mapper = heldout_mapper([CheckItem("zolo", "heldout", tuple(shipped.known["zolo"]), "dev")])
    assert mapper.lookup("zolo") is None and "zolo" not in mapper.known
    assert "zolo" not in mapper.spelling.word_counts
    assert mapper.letters.trigrams["^zo"] == shipped.letters.trigrams["^zo"] - 1  # its letters are not counted
    assert mapper._embeddings is not None and "zolo" not in mapper._embeddings.keys
    assert len(mapper.known) == len(shipped.known) - 1


def test_the_check_scores_each_kind_by_what_is_right_for_it() -> None:
    keys = list(SMALL_MAP)
    index = GenreEmbeddingIndex(keys, trigram_encoder(keys), encoder=trigram_encoder)
    mapper = GenreMapper(SMALL_MAP, embeddings=index)
    items = [
        CheckItem("zeuhl", "heldout", ("psych-rock",), "test"),  # accepted and mapped
        CheckItem("semba", "heldout", ("latin",), "test"),  # accepted, mapped wrong
        CheckItem("<b>pop</b>", "markup", (), "test"),  # refused
        CheckItem("pop", "word", (), "test"),  # accepted: a miss
    ]
    assert resolve(mapper, "<b>pop</b>") == []
    scores = score(mapper, items)
    assert (scores[("heldout", "test")].good, scores[("heldout", "test")].accepted) == (1, 2)
    assert scores[("markup", "test")].rate() == 1.0 and scores[("word", "test")].rate() == 0.0
    report = {
        "split": "test",
        "min_confidence": 0.279,
        "sweep": {},
        "kinds": {k: {"n": s.n, "right": s.good, "rate": s.rate()} for (k, p), s in scores.items() if p == "test"},
        "misses": {k: s.misses for (k, p), s in scores.items() if p == "test"},
    }
    text = format_check(report, errors=True)
    assert "real names: 1/2 = 0.500" in text and "non-genres: 1/2 = 0.500" in text
    assert "miss word: 'pop' -> ['pop'] (want refused)" in text
    assert KindScore().rate() == 0.0
