"""Holiday songs: the detector on real catalog titles both ways, the catalog's `holiday` column (computed when a file
lacks it, checked when it has it), the `holidays` stand-in over the same mask, and precision on a judged sample."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from services.playlist.recommend.catalog import DEFAULT_CATALOG_PATH, CatalogError, catalog_from_records, load_catalog
from services.playlist.recommend.genre_fallback import GenreFallback
from services.playlist.recommend.seasons import holiday_mask, is_holiday_song
from shared.features import AUDIO_FEATURES

JUDGED = Path(__file__).resolve().parent.parent / "fixtures" / "holiday_judged.csv"

# (title, album, artist): all from the shipped catalog.
HOLIDAY = [
    ("All I Want For Christmas Is You", "Merry Christmas II You", "Mariah Carey"),
    ("So Many Santas", "pov: you saw mommy kissing santa claus", "Jamie Cullum"),
    ("Feliz Navidad", "Christmas Songs 2022", "José Feliciano"),
    ("Ven a Mi Casa Esta Navidad", "Ven a Mi Casa Esta Navidad", "Luis Aguile"),
    ("Am Weihnachtsabend fehlst du mir", "Weihnachten Playlist", "Nockis"),
    ("Leise rieselt der Schnee", "Weihnachten Klassik 2022", "Traditional"),
    ("Luid de kerst in", "Olafs Frozen Avontuur", "Frozen cast"),
    ("Concerto grosso; Fatto per la Notte di Natale", "Classical Christmas", "Arcangelo Corelli"),
    ("The First Noel (Remastered 2014)", "Remastered Christmas Classics", "Choir"),
    ("Nochebuena", "Todo El Año Con Cri-Cri", "Cri-Cri"),
    ("Do You Hear What I Hear?", "Christmas", "Whitney Houston"),
    ("Run Rudolph Run", "Christmas Playlist 2022", "Chuck Berry"),
    ("Yule Shoot Your Eye Out", "Emo Christmas 2022", "Fall Out Boy"),
    ("What Are You Doing New Year's Eve?", "It's Christmas", "Ledisi"),
    ("Monster Mash", "Para pedir dulces", "Bobby Pickett"),
    ("Halloween", "Pumpkin Patch Hits", "Misfits"),
    ("Baile Quieto de Tiburón Bebé en Halloween", "Pinkfong & Baby Shark Halloween Zombi", "Pinkfong"),
    ("크리스마스니까", "", "Korean artist"),
    ("クリスマスソング", "", "back number"),
    # No holiday word in the title, but a Christmas album and a winter cue.
    ("Purple Snowflakes", "Christmas Soul Classics", "Marvin Gaye"),
    ("Snowman", "Everyday Is Christmas (Deluxe Edition)", "Sia"),
    ("Holiday Rock", "Alternative Christmas 2022", "Neon Trees"),
]
NOT_HOLIDAY = [
    ("Holiday", "Greatest Hits: God's Favorite Band", "Green Day"),
    ("Holiday in Cambodia - Single Version", "Post Punk Rules", "Dead Kennedys"),
    ("Santa Monica", "Sparkle And Fade", "Everclear"),
    ("Santa Maria", "Santa Maria", "C-Kan"),
    ("MALA SANTA", "MALA SANTA", "Becky G"),
    ("Santa Clara Clareou", "Bem-Vinda Amizade", "Jorge Ben Jor"),
    ("Julia", "Jungle", "Jungle"),
    ("På vej (feat. Simon Jul)", "Dit syge dyr", "Benjamin Hav"),
    ("Service", "12-Jul-79", "Glenn Underground"),
    ("Solo Para Ti - Noel Holler Remix", "EDM Gaming Music Autumn/Winter 2022", "Alvaro Soler, Topic, Noel Holler"),
    ("Silent Morning", "Noel", "Noel"),  # the album is the artist's name
    ("Natalie", "", "Bruno Mars"),
    ("Winter", "American Teen", "Khalid"),
    ("Snow (Hey Oh)", "Stadium Arcadium", "Red Hot Chili Peppers"),
    ("Spooky", "Dusty in Memphis", "Dusty Springfield"),
    ("Cold Outside", "Cold Outside", "Timaya, BNXN fka Buju"),
    # Compilations: an ordinary song on a holiday playlist-album is not a holiday song.
    ("Macarena - Bayside Boys Remix", "Ultimate Holiday Hits", "Los Del Rio"),
    ("Layla", "70s Christmas Party", "Derek & The Dominos"),
    ("God Only Knows - Mono / 1997 Remastered", "Christmas Dinner 2022", "The Beach Boys"),
    ("Tiger", "Xmas Weapons", "NoiseMakers"),
    ("bury a friend", "Halloween Party 2022", "Billie Eilish"),
    ("Suena El Dembow", "Perreo en Halloween", "Joey Montana, Sebastian Yatra"),
    ("Peace - Live In NYC", "Christmas Vibes But Not Christmas Songs", "Norah Jones"),
    ("More Cowbell - Mix Cut", "Mixmash Radio 254", "D.O.D"),
]


@pytest.mark.parametrize(("title", "album", "artist"), HOLIDAY)
def test_holiday_songs_are_found_by_title_or_christmas_album(title: str, album: str, artist: str) -> None:
    assert is_holiday_song(title, album, artist)


@pytest.mark.parametrize(("title", "album", "artist"), NOT_HOLIDAY)
def test_names_places_vacations_and_compilations_are_not_holiday_songs(title: str, album: str, artist: str) -> None:
    assert not is_holiday_song(title, album, artist)


def test_the_detector_is_precise_on_a_hand_judged_sample_of_the_catalog() -> None:
    judged = pd.read_csv(JUDGED, keep_default_na=False)
    found = holiday_mask(judged["name"], judged["album"], judged["artist"])
    truth = judged["holiday"].astype(bool).to_numpy()
    flagged = judged["sample"].eq("flagged").to_numpy()
    assert flagged.sum() == 80 and (~flagged).sum() == 80
    precision = (found & truth).sum() / found.sum()
    assert precision >= 0.95, f"precision {precision:.3f}: {judged.loc[found & ~truth, 'name'].tolist()}"
    # Among 80 near misses (holiday-like words, holiday compilations), at most a few holiday songs go unfound.
    missed = judged.loc[~found & truth, "name"].tolist()
    assert len(missed) <= 3, missed


def _track(track_id: str, name: str, album: str = "", **extra: Any) -> dict[str, Any]:
    values = dict.fromkeys(AUDIO_FEATURES, 0.5) | {"loudness": -8.0}
    return values | {"track_id": track_id, "name": name, "artist": "A", "album": album, "genres": ["pop"]} | extra


def test_a_catalog_without_the_column_computes_it_row_aligned() -> None:
    catalog = catalog_from_records([_track("a", "Song"), _track("b", "Jingle Bell Rock"), _track("c", "Winter")])
    assert catalog.holiday.dtype == bool and catalog.holiday.tolist() == [False, True, False]


def test_a_catalog_with_the_column_keeps_what_it_says(tmp_path: Path) -> None:
    # An operator may mark a song the detector cannot see ("Little Things" is ABBA's Christmas song).
    records = [_track("a", "Little Things", holiday=True), _track("b", "Silent Night", holiday="false")]
    catalog = catalog_from_records(records)
    assert catalog.holiday.tolist() == [True, False]
    path = tmp_path / "catalog.parquet"
    pd.DataFrame.from_records([_track("a", "Song", holiday=1), _track("b", "Song 2", holiday=0)]).to_parquet(path)
    assert load_catalog(path).holiday.tolist() == [True, False]


@pytest.mark.parametrize("bad", ["maybe", 2, None, np.nan])
def test_a_holiday_column_with_other_values_is_refused_and_named(bad: object) -> None:
    with pytest.raises(CatalogError, match=r"column holiday must be true/false.*first at row 1"):
        catalog_from_records([_track("a", "Song", holiday=True), _track("b", "Song", holiday=bad)])


def test_the_holidays_stand_in_is_the_catalog_mask() -> None:
    records = [_track(f"t{i}", "White Christmas" if i % 4 == 0 else f"Song {i}") for i in range(100)]
    catalog = catalog_from_records(records)
    rows, ranks = GenreFallback(catalog).members("holidays")
    assert rows.tolist() == np.flatnonzero(catalog.holiday).tolist() == list(range(0, 100, 4))
    assert not ranks.any()


def test_the_shipped_catalog_carries_the_holiday_column_the_detector_gives() -> None:
    frame = pd.read_parquet(DEFAULT_CATALOG_PATH)
    assert frame["holiday"].dtype == bool
    again = holiday_mask(frame["name"], frame["album"], frame["artist"])
    assert (frame["holiday"].to_numpy() == again).all(), "rebuild with `pressedplay catalog build`"
    assert 500 < int(again.sum()) < 2_000
