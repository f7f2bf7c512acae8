"""The artist-genre judge: credits split into artists, the file joined by name with a namesake check, and the
keyword judge (independent of the genre map) that says whether a credit plays a seed genre."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pipeline.evaluation.artist_genres import ArtistFileError, ArtistGenres, artist_key, read_artist_file
from pipeline.evaluation.genre_keywords import KEYWORDS, judged, micro_genre_plays
from shared.features import AUDIO_FEATURES
from shared.genres import SEED_GENRES

HEADER = "artists," + ",".join(AUDIO_FEATURES) + ",count,genres\n"
# A quiet acoustic sound and a loud electronic one (Spotify units, in AUDIO_FEATURES order).
QUIET = (0.9, 0.4, 0.2, 0.1, 0.1, -14.0, 0.04, 0.3)
LOUD = (0.02, 0.8, 0.9, 0.0, 0.2, -4.0, 0.08, 0.7)


def _row(name: str, sound: tuple[float, ...], genres: list[str], count: int = 10) -> str:
    quoted = '"' + name.replace('"', '""') + '"'
    return f'{quoted},{",".join(str(v) for v in sound)},{count},"{genres!r}"\n'


@pytest.fixture
def artist_file(tmp_path: Path) -> Path:
    path = tmp_path / "artists.csv"
    rows = [
        _row("Ashe", LOUD, ["indie pop", "pop"]),
        _row("Niall Horan", LOUD, ["pop", "post-teen pop"]),
        _row("Tyler, The Creator", LOUD, ["hip hop", "rap"]),
        _row("Beyoncé", LOUD, ["dance pop", "r&b"]),
        _row("Bill Haley & His Comets", LOUD, ["rock-and-roll", "rockabilly", "adult standards"]),
        _row("Chet Baker", QUIET, ["cool jazz", "jazz trumpet"]),
        _row("No Genres Yet", LOUD, []),
        # Two rows with one key: a quiet folk singer and a loud DJ of the same name.
        _row("Mira", QUIET, ["indie folk"], count=3),
        _row("MIRA", LOUD, ["edm", "electro house"], count=40),
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_a_credit_is_split_into_the_artists_the_file_names(artist_file: Path) -> None:
    judge = ArtistGenres.load(artist_file)
    assert judge.split("Ashe, Niall Horan") == ["Ashe", "Niall Horan"]
    # A name with a comma stays whole; parts nobody knows stay single artists.
    assert judge.split("Tyler, The Creator, Kali Uchis") == ["Tyler, The Creator", "Kali Uchis"]
    assert judge.split("Someone, Someone Else") == ["Someone", "Someone Else"]
    assert judge.split("Ashe") == ["Ashe"] and judge.split("") == []


def test_names_match_across_case_punctuation_and_latin_accents() -> None:
    assert artist_key("Beyoncé") == artist_key("BEYONCE") == "beyonce"
    assert artist_key("N.W.A.") == artist_key("n w a")
    assert artist_key("Titãs") == artist_key("Titas")
    # Accents are only dropped from Latin letters: a Japanese name keeps its voicing marks.
    assert artist_key("オメガトライブ") == "オメガトライブ"


def test_each_credited_artist_has_its_micro_genres_or_none(artist_file: Path) -> None:
    judge = ArtistGenres.load(artist_file)
    credited = judge.credited("Ashe, Niall Horan, Kali Uchis")
    assert [(a.name, a.genres) for a in credited] == [
        ("Ashe", ("indie pop", "pop")),
        ("Niall Horan", ("pop", "post-teen pop")),
        ("Kali Uchis", None),
    ]
    assert judge.genres("Beyonce") == ("dance pop", "r&b")
    # Known artists' genres are joined, lead first; no known artist is None, and so is a row without genres.
    assert judge.genres("Ashe, Niall Horan") == ("indie pop", "pop", "post-teen pop")
    assert judge.genres("Kali Uchis") is None and judge.genres("No Genres Yet") is None


def test_a_namesake_that_sounds_nothing_like_the_catalog_tracks_is_unknown(artist_file: Path) -> None:
    credits = ["Chet Baker", "Chet Baker", "Ashe", "Ashe, Niall Horan", "Mira", "Mira"]
    # The catalog's Chet Baker plays loud electronic tracks: not the file's quiet jazz trumpeter.
    sounds = np.array([LOUD, LOUD, LOUD, LOUD, QUIET, QUIET], dtype=np.float32)
    judge = ArtistGenres.load(artist_file).with_catalog(credits, sounds)
    assert judge.genres("Chet Baker") is None and judge.plays("Chet Baker", "jazz") is None
    assert judge.genres("Ashe") == ("indie pop", "pop")
    # Of two file rows with one name, the one that sounds like the catalog's tracks is taken (not the bigger one).
    assert judge.genres("Mira") == ("indie folk",)
    # Without catalog tracks there is nothing to compare: the row with the most tracks is taken.
    assert ArtistGenres.load(artist_file).genres("Mira") == ("edm", "electro house")


def test_plays_is_a_keyword_match_on_the_artists_genres(artist_file: Path) -> None:
    judge = ArtistGenres.load(artist_file)
    assert judge.plays("Tyler, The Creator", "hip-hop") is True
    assert judge.plays("Ashe, Tyler, The Creator", "hip-hop") is True  # any credited artist
    assert judge.plays("Ashe, Niall Horan", "hip-hop") is False
    assert judge.plays("Bill Haley & His Comets", "jazz") is False  # "adult standards" is not jazz
    assert judge.plays("Bill Haley & His Comets", "rock-n-roll") is True
    assert judge.plays("Kali Uchis", "latin") is None  # unknown artist
    assert judge.plays("Ashe", "summer") is None  # an occasion: no artist genre speaks for it
    assert judge.plays_any("Ashe", ["hip-hop", "pop"]) is True
    assert judge.plays_any("Ashe", ["hip-hop", "jazz"]) is False
    assert judge.plays_any("Kali Uchis", ["hip-hop"]) is None
    with pytest.raises(ValueError, match="not a seed genre"):
        judge.plays("Ashe", "hip hop")


@pytest.mark.parametrize(
    ("micro", "seed", "plays"),
    [
        ("melodic rap", "hip-hop", True),
        ("k-rap", "hip-hop", True),
        ("scrap metal", "hip-hop", False),  # whole words only
        ("electronic trap", "hip-hop", False),  # excluded: EDM
        ("trap latino", "latin", True),
        ("tropical house", "latin", False),
        ("latin jazz", "jazz", True),
        ("western swing", "jazz", False),
        ("hard bop", "jazz", True),
        ("bossa nova", "bossanova", True),
        ("mpb", "bossanova", False),  # MPB is broad: Titãs is tagged mpb and plays rock
        ("hard rock brasileiro", "hard-rock", True),
        ("rock-and-roll", "rock", False),
        ("rock-and-roll", "rock-n-roll", True),
        ("k-pop girl group", "k-pop", True),
        ("filmi", "k-pop", False),
        ("indie folk", "indie", True),
        ("indian folk", "indie", False),
    ],
)
def test_keyword_matches(micro: str, seed: str, plays: bool) -> None:
    assert micro_genre_plays(micro, seed) is plays


def test_every_seed_genre_has_an_entry_and_only_occasions_are_unjudged() -> None:
    assert set(KEYWORDS) == set(SEED_GENRES)
    unjudged = {seed for seed in SEED_GENRES if not judged(seed)}
    assert unjudged == {"happy", "new-release", "party", "rainy-day", "road-trip", "sad", "summer", "work-out"}


def test_a_file_that_cannot_be_used_says_why(tmp_path: Path) -> None:
    with pytest.raises(ArtistFileError, match="could not be read"):
        read_artist_file(tmp_path / "absent.csv")
    no_genres = tmp_path / "no_genres.csv"
    no_genres.write_text("artists,count\nAshe,3\n", encoding="utf-8")
    with pytest.raises(ArtistFileError, match="needs artists, genres, count"):
        read_artist_file(no_genres)
    # A row whose genres are not a list literal has no genres (it is unknown, not an error).
    odd = tmp_path / "odd.csv"
    odd.write_text(HEADER + _row("Ashe", LOUD, []).replace('"[]"', '"indie pop"'), encoding="utf-8")
    assert ArtistGenres.load(odd).genres("Ashe") is None


@pytest.mark.needs_shared
def test_the_issues_mislabelled_artists_are_judged_by_what_they_play(shared_data: Path) -> None:
    judge = ArtistGenres.load(shared_data / "artists" / "artist_feature_means.csv")
    for credit, seed in [("Kansas", "latin"), ("fun.", "latin"), ("Bon Iver", "hip-hop"), ("Lana Del Rey", "hip-hop")]:
        assert judge.plays(credit, seed) is False, (credit, seed)
    for credit, seed in [("Vampire Weekend", "hip-hop"), ("The Lumineers", "hip-hop"), ("Eddie Cochran", "jazz")]:
        assert judge.plays(credit, seed) is False, (credit, seed)
    assert judge.plays("Titãs", "bossanova") is False and judge.plays("Titas", "hard-rock") is True
    assert judge.plays("Chet Baker", "jazz") is True and judge.plays("Bad Bunny", "latin") is True
    assert judge.plays("Eminem", "hip-hop") is True and judge.plays("BTS", "k-pop") is True
