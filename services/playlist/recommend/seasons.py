"""Holiday songs: which catalog tracks belong to a season, so a playlist gets them only when someone asks.

A track is a holiday song when its **title** says so: Christmas words in the catalog's languages (Christmas, Xmas,
Navidad, Natal, Natale, Noël, Weihnacht, God Jul, Kerst, 크리스마스, クリスマス, 圣诞, ...), Santa Claus and his
reindeer, the carols and standards whose titles do not name the day ("Silent Night", "Jingle Bells", "Feliz
Navidad", "Stille Nacht", "Do You Hear What I Hear", "Fairytale of New York"), New Year's Eve songs ("Auld Lang
Syne"), Hanukkah, Kwanzaa, Diwali, Eid, Thanksgiving, Easter parades, and Halloween by name ("Halloween", "Monster
Mash", "Trick or Treat"). These are songs a listener hears as out of season in May.

The **album** is weaker evidence: the sources list a track under the first compilation they found it on, and
"Christmas Songs 2022" holds "God Only Knows", "Ultimate Holiday Hits" holds "Macarena", every "Halloween 2022
Perreo" volume holds ordinary reggaeton. So a Christmas album marks a track only when its title carries a winter or
Christmas cue as well ("Purple Snowflakes", "Peppermint Winter", "Loneliest Time Of Year" on Christmas albums are
Christmas songs; "Layla" on "70s Christmas Party" is not), and Halloween albums mark nothing.

Not holiday songs, on purpose: a bare "Holiday" (Green Day, Madonna: a vacation, not a season) or "Happy
Holiday" albums, "Santa" as a saint or a place ("Santa Monica", "Santa Maria", "Cartel de Santa"), "Jul" as a
name or a date ("Julia", "Simon Jul", "12-Jul-79"), "Noel" as a name (Noel Gallagher; a remixer in the title),
Valentine songs (love songs are not seasonal), "Spooky" (Dusty Springfield's is a love song), and winter words
alone ("Winter", "Snow (Hey Oh)"). Words inside a featured-artist or remix credit never count. Precision on a
hand-judged sample: docs/data.md ("Holiday songs").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

import numpy as np

# Featured-artist and remix credits name people, not seasons: "(feat. Katie Noel)", "- Noel Holler Remix".
_CREDITS: Final = re.compile(
    r"[(\[]\s*(?:feat|ft|with|con|prod)\b[^)\]]*[)\]]|\s-\s[^-]*\b(?:remix|mix|edit|version)\b.*$", re.IGNORECASE
)


def _words(*phrases: str) -> str:
    return "|".join(phrases)


# Santa, but not a saint, a place or a name: "Santa Maria", "Santa Monica", "Santa Cruz", "La Santa", "Mala Santa".
SANTA: Final = (
    r"(?<!\bla )(?<!\bmala )(?<!\bde )(?<!\bda )(?<!\bdo )\bsanta(?:s|'s)?\b(?!\s+(?:maria|maría|monica|mónica|lucia|"
    r"lucía|cruz|fe\b|barbara|bárbara|clara|rosa|ana\b|muerte|marta|teresa|catalina|elena|isabel|paloma|sofia|"
    r"cecilia|eulalia|rita|madre|ines|inés|marina|justa|tecla|efigenia|genoveva))"
)
# Christmas in the catalog's languages and the carols and standards named without the day.
CHRISTMAS: Final = _words(
    r"christmas", r"\bx-?mas\b", r"navidad", r"navide[ñn][oa]s?", r"nochebuena", r"villancico", r"feliz natal",
    r"\bnatal\b", r"noite feliz", r"papai noel", r"natale", r"no[ëe]l(?=\W*$)", r"no[ëe]l\s+no[ëe]l", r"noël",
    r"first noel", r"p[èe]re no[ëe]l", r"papa no[ëe]l", r"joyeux no[ëe]l", r"weihnacht", r"christkind",
    r"stille nacht", r"tannenbaum", r"alle jahre wieder", r"leise rieselt", r"o du fr[öo]hliche",
    r"kling,? gl[öo]ckchen", r"es ist ein ros", r"god jul", r"glad jul", r"\bjul(?:en|etid|afton|s[åa]ng)\b",
    r"nu [äa]r det jul", r"\bkerst", r"wigilia", r"bo[żz]e narodzenie", r"kol[ęe]d", r"рождеств", r"\byule",
    r"크리스마스", r"캐롤", r"성탄", r"クリスマス", r"サンタ", r"聖誕", r"圣诞",
    SANTA,
    r"rudolph", r"reindeer", r"sleigh", r"jingle bell", r"mistletoe", r"frosty the", r"silent night",
    r"holy night", r"deck the hall", r"joy to the world", r"little drummer boy", r"we three kings",
    r"come,? all ye faithful", r"adeste fideles", r"hark!? the herald", r"away in a manger", r"good king wenceslas",
    r"god rest ye", r"little town of bethlehem", r"o come,? o come", r"angels we have heard", r"bleak midwinter",
    r"go tell it on the mountain", r"carol of the bells", r"do you hear what i hear", r"silver bells",
    r"winter wonderland", r"let it snow", r"baby,? it.s cold outside", r"little saint nick", r"fairytale of new york",
    r"feliz navidad", r"most wonderful time of the year", r"holly jolly", r"ding dong merrily",
    r"it came upon a midnight", r"mary'?s boy child", r"nutcracker", r"grinch", r"polar express",
    r"marshmallow world", r"candy cane", r"pretty paper", r"linus and lucy", r"oi to the world",
    r"angels from the realms", r"still[;,]? still[;,]? still", r"herbei,? o ihr", r"nussknacker", r"\bho,? ho\b",
    r"holiday cheer", r"happy holidays?\b", r"holiday season",
    r"home for the holidays", r"holidays are coming", r"noche de paz", r"los peces en el r[ií]o",
    r"campana sobre campana", r"burrito sabanero", r"tamborilero", r"felices pascuas",
)  # fmt: skip
OTHER_HOLIDAYS: Final = _words(
    r"hanukk?ah", r"chanukk?ah", r"dreidel", r"menorah", r"kwanzaa", r"diwali", r"eid mubarak", r"ramadan",
    r"thanksgiving", r"easter parade", r"easter bunny", r"peter cottontail", r"happy easter",
    r"new year'?s eve", r"happy new year", r"auld lang syne", r"a[ñn]o nuevo", r"feliz a[ñn]o", r"prosit neujahr",
    r"halloween", r"monster mash", r"trick or treat", r"truco o trato", r"spooky,? scary skeletons",
    r"d[ií]a de (?:los )?muertos", r"laterne",
)  # fmt: skip
# What a Christmas album adds to: titles with a winter or Christmas cue.
CUES: Final = _words(
    r"snow", r"winter", r"\bbells?\b", r"peppermint", r"fireplace", r"chestnut", r"angels\b", r"\bstar\b",
    r"\bkings\b", r"manger", r"shepherd", r"\bholy\b", r"time of (?:the )?year", r"\blights\b", r"present",
    r"\bgift", r"\btree\b", r"home for", r"\belf\b", r"gingerbread", r"cocoa", r"chocolat", r"stocking",
    r"\bcarol", r"peace on earth", r"ding,? dong", r"2000 miles", r"jingle", r"schnee", r"holidays?\b", r"\bsled\b",
    r"nieve", r"invierno",
)  # fmt: skip
CHRISTMAS_ALBUM: Final = _words(
    r"christmas", r"\bx-?mas\b", r"navidad", r"weihnacht", r"no[ëe]l\b", r"natale", r"god jul", r"kerst", r"크리스마스",
    r"クリスマス",
)  # fmt: skip
_HOLIDAY_TITLE: Final = re.compile(f"{CHRISTMAS}|{OTHER_HOLIDAYS}", re.IGNORECASE)
_CUE: Final = re.compile(CUES, re.IGNORECASE)
_CHRISTMAS_ALBUM: Final = re.compile(CHRISTMAS_ALBUM, re.IGNORECASE)
# A playlist that says its songs are not Christmas songs ("Christmas Vibes But Not Christmas Songs").
_NOT_CHRISTMAS_ALBUM: Final = re.compile(r"not christmas", re.IGNORECASE)


def _title(name: str) -> str:
    return _CREDITS.sub(" ", name)


def _christmas_album(album: str, artist: str) -> bool:
    """A Christmas album, not one named after its artist (Noel's album "Noel") nor one that says it is not."""
    if not _CHRISTMAS_ALBUM.search(album) or _NOT_CHRISTMAS_ALBUM.search(album):
        return False
    return not _CHRISTMAS_ALBUM.search(artist)


def is_holiday_song(name: str, album: str = "", artist: str = "") -> bool:
    """True when the title says holiday, or a Christmas album holds a title with a winter cue (module docstring)."""
    title = _title(name or "")
    if _HOLIDAY_TITLE.search(title):
        return True
    return bool(_CUE.search(title)) and _christmas_album(album or "", artist or "")


def holiday_mask(names: Iterable[str], albums: Iterable[str], artists: Iterable[str]) -> np.ndarray:
    """Row-aligned bool mask of holiday songs over a catalog's titles, albums and artist credits."""
    flags = [is_holiday_song(str(n), str(a), str(c)) for n, a, c in zip(names, albums, artists, strict=True)]
    return np.asarray(flags, dtype=bool)
