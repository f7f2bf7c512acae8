"""Who a track is by, and which song it is, as a listener counts them.

A catalog credit joins several artists with ", " ("Ashe, Niall Horan"), and titles name more ("Song (feat. X)"):
each credited artist counts toward the per-artist cap. A song is its title without version marks (" - Remastered
2011", "(Live)", "[Bonus Track]", "(feat. X)", "(Acoustic Version)"), whoever sings it: "Moral of the Story" by
Ashe and "Moral of the Story (feat. Niall Horan)" by "Ashe, Niall Horan" are one song, and so are two covers of "The
Girl from Ipanema" (a listener hears the same song twice; a bossa nova list held one standard twice in 26 of 60
lists when only the same or a featured artist counted). Two different songs that share a title ("Hello" by Adele and
by Lionel Richie) also meet only once: rare, and a list showing "Hello" twice reads as a repeat too.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Final

import numpy as np

# Importers join several artists with this (pipeline/catalog/merge.py ARTIST_SEPARATOR).
CREDIT_SEPARATOR: Final = ", "
# More credits than this add nothing a cap could use, and keep the code arrays narrow.
MAX_CREDITS: Final = 6
_SUFFIX: Final = re.compile(r"\s+-\s+.*$")
_BRACKETS: Final = re.compile(r"[\(\[\{].*?[\)\]\}]")
_FEAT_TAIL: Final = re.compile(r"\b(feat|ft|featuring)\.?\s.*$")
# "(feat. X & Y)", "[with X]", "ft. X": artists a title credits beyond the artist field.
_FEATURED: Final = re.compile(
    r"(?:[\(\[]\s*(?:feat|ft|featuring|with)\.?\s+([^\)\]]+)[\)\]])|(?:\b(?:feat|ft|featuring)\.?\s+(.+)$)",
    re.IGNORECASE,
)
# Several featured names; the whole string is kept too, for names with "&" in them ("Mumford & Sons").
_NAME_JOINERS: Final = re.compile(r"\s*(?:,|&|/)\s*")
_NON_WORD: Final = re.compile(r"[^\w]+")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def artist_key(artist: str) -> str:
    """One artist's identity (case, width and spacing ignored)."""
    return " ".join(_fold(artist).split())


def song_title(name: str) -> str:
    """The song a title names, without version marks and featured artists ("hello" for "Hello - Live")."""
    folded = _fold(name)
    base = _FEAT_TAIL.sub("", _BRACKETS.sub("", _SUFFIX.sub("", folded)))
    return _NON_WORD.sub(" ", base).strip() or folded


def credited_artists(artist: str, name: str = "") -> tuple[str, ...]:
    """Every artist a track credits, by key: the artist field's names, then those the title features."""
    keys = [artist_key(part) for part in artist.split(CREDIT_SEPARATOR)]
    for match in _FEATURED.finditer(name):
        featured = match.group(1) or match.group(2) or ""
        keys.extend(artist_key(part) for part in [featured, *_NAME_JOINERS.split(featured)])
    return tuple(dict.fromkeys(key for key in keys if key))[:MAX_CREDITS] or (artist_key(artist),)


def code_table(keys_per_row: Sequence[Sequence[Any]]) -> np.ndarray:
    """(rows, widest) int32 codes, equal keys equal codes, padded with -1: a row's several keys side by side."""
    codes: dict[Any, int] = {}
    width = max((len(keys) for keys in keys_per_row), default=1) or 1
    table = np.full((len(keys_per_row), width), -1, dtype=np.int32)
    for row, keys in enumerate(keys_per_row):
        for place, key in enumerate(keys):
            table[row, place] = codes.setdefault(key, len(codes))
    return table


def rows_of_keys(keys_per_row: Sequence[Sequence[str]]) -> dict[str, np.ndarray]:
    """Key -> the rows holding it (ascending int64): who a credited artist's tracks are, in one lookup."""
    rows: defaultdict[str, list[int]] = defaultdict(list)
    for row, keys in enumerate(keys_per_row):
        for key in keys:
            rows[key].append(row)
    return {key: np.array(found, dtype=np.int64) for key, found in rows.items()}
