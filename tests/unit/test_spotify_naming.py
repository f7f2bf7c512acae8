"""The playlist's description on Spotify: a photo's says what it was made from; an album's names each photo's mood
in order, and always fits Spotify's 300 characters with the genres intact (issue 25)."""

from __future__ import annotations

from datetime import UTC, datetime

from services.playlist.spotify.naming import playlist_description
from shared.features import AudioFeatures
from tests.unit.test_recommender import MID

DAY = datetime(2026, 6, 20, tzinfo=UTC)
SAD = AudioFeatures.model_validate(MID | {"valence": 0.1, "energy": 0.15, "acousticness": 0.9})
HAPPY = AudioFeatures.model_validate(MID | {"valence": 0.9, "energy": 0.9, "acousticness": 0.05})


def test_a_photos_description_names_the_genres_mode_and_day() -> None:
    text = playlist_description(genres=["pop", "rock"], mode="match", when=DAY)
    assert text == "Made by PRESSED / PLAY on 2026-06-20 from a photo: pop, rock, match mode."


def test_an_albums_description_names_each_photos_mood_in_order() -> None:
    text = playlist_description(genres=["pop"], mode="calm", when=DAY, photos=[SAD, HAPPY])
    made_on, moods_and_genres = text.split(" from 2 photos: ")
    moods, genres = moods_and_genres.split("; ")
    first, second = moods.split(" → ")
    assert made_on == "Made by PRESSED / PLAY on 2026-06-20"
    assert first != second and genres == "pop, calm mode."


def test_thirty_photos_fit_spotifys_300_characters_cut_at_a_word_with_the_genres_kept() -> None:
    text = playlist_description(
        genres=["indie", "electronic", "k-pop"], mode="boost", when=DAY, photos=[SAD, HAPPY] * 15
    )
    assert len(text) <= 300 and "…; indie, electronic, k-pop, boost mode." in text
    assert not text.split("; ")[0].endswith(" …")


def test_genre_text_too_long_for_any_mood_leaves_the_moods_out_and_still_fits_300_characters() -> None:
    # 20 genres of 60 characters (what a publish request may carry): before, the room for moods went negative, the
    # moods were sliced from their end and the description ran past Spotify's 300 characters.
    genres = [f"{i:02d} " + "g" * 57 for i in range(20)]
    text = playlist_description(genres=genres, mode="match", when=DAY, photos=[SAD, HAPPY])
    assert len(text) == 300 and "→" not in text
    assert text.startswith("Made by PRESSED / PLAY on 2026-06-20 from 2 photos: 00 ggg")


def test_whatever_room_the_genres_leave_the_moods_are_whole_words_or_absent() -> None:
    photos = [SAD, HAPPY] * 3
    whole = playlist_description(genres=["pop"], mode="calm", when=DAY, photos=photos)
    moods = whole.split(" photos: ", 1)[1].split("; ")[0]
    for length in range(150, 320):
        text = playlist_description(genres=["g" * length], mode="calm", when=DAY, photos=photos)
        assert len(text) <= 300, length
        body = text.split(" photos: ", 1)[1]
        if body.startswith("g"):
            continue  # no room for a mood
        kept = body.split("; ", 1)[0]
        assert kept == moods or (kept.endswith("…") and moods.startswith(kept[:-1]) and moods[len(kept) - 1] == " ")
