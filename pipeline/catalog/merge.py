"""Merge several catalog sources into one set of source rows, and restore names a source stripped of punctuation.

Sources are read in the order given (the first is preferred for a track's scalar values), and rows whose names
kept their punctuation are preferred over stripped ones, so a track listed by two sources takes the clean spelling.
A stripped name no source lists for the same track is looked up by its letters (see `spelling_key`) among the clean
names of the same lead artist (titles, albums) or among all clean artist names, and takes that spelling when found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from pipeline.catalog.importers import import_source

_NOT_LETTERS: Final = re.compile(r"[^\w\s]+")
# Importers join several artists with this; a stripped source also turned commas inside names into it.
ARTIST_SEPARATOR: Final = ", "


@dataclass
class SourceSummary:
    """One source of a merged build."""

    name: str
    layout: str
    rows: int
    tracks: int
    stripped_rows: int

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return asdict(self)


@dataclass
class NameRestoration:
    """How many tracks whose every source stripped their names got a clean spelling back."""

    stripped_tracks: int = 0
    names_restored: int = 0
    artists_restored: int = 0
    albums_restored: int = 0


def spelling_key(text: object) -> str:
    """The letters of a name: punctuation dropped (not spaced), case and spacing ignored ("Can't" -> "cant")."""
    if not isinstance(text, str):
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("_", " ")
    return " ".join(_NOT_LETTERS.sub("", folded).split())


def import_sources(paths: Sequence[Path]) -> tuple[pd.DataFrame, list[SourceSummary]]:
    """Import every source and stack their rows, preferred rows first (clean names, then earlier sources)."""
    frames: list[pd.DataFrame] = []
    summaries: list[SourceSummary] = []
    for rank, path in enumerate(paths):
        layout, rows = import_source(path)
        rows = rows.assign(source_rank=rank)
        frames.append(rows)
        summaries.append(
            SourceSummary(
                name=path.name,
                layout=layout,
                rows=len(rows),
                tracks=int(rows["track_id"].nunique()),
                stripped_rows=int(rows["names_stripped"].sum()),
            )
        )
    stacked = pd.concat(frames, ignore_index=True)
    # A stable sort keeps each source's own order; collapse_tracks then keeps the first row of every track.
    ordered = stacked.sort_values(["names_stripped", "source_rank"], kind="stable")
    return ordered.reset_index(drop=True), summaries


def _lead_artist(artist: object) -> str:
    return spelling_key(str(artist).split(ARTIST_SEPARATOR)[0]) if isinstance(artist, str) else ""


Spellings = dict[tuple[str, str], str]


def _clean_spellings(tracks: pd.DataFrame) -> tuple[dict[str, str], Spellings, Spellings]:
    artists: dict[str, str] = {}
    titles: Spellings = {}
    albums: Spellings = {}
    for artist, name, album in zip(tracks["artist"], tracks["name"], tracks["album"], strict=True):
        if not isinstance(artist, str):
            continue
        artists.setdefault(spelling_key(artist), artist)
        for part in artist.split(ARTIST_SEPARATOR):
            artists.setdefault(spelling_key(part), part)
        lead = _lead_artist(artist)
        if isinstance(name, str):
            titles.setdefault((lead, spelling_key(name)), name)
        if isinstance(album, str) and album:
            albums.setdefault((lead, spelling_key(album)), album)
    return artists, titles, albums


def _restore_artist(artist: object, spellings: dict[str, str]) -> object:
    if not isinstance(artist, str):
        return artist
    whole = spellings.get(spelling_key(artist))
    if whole is not None:
        return whole
    return ARTIST_SEPARATOR.join(spellings.get(spelling_key(p), p) for p in artist.split(ARTIST_SEPARATOR))


def restore_stripped_names(tracks: pd.DataFrame) -> tuple[pd.DataFrame, NameRestoration]:
    """Give collapsed tracks that only a stripping source lists the clean spelling of their names, where one exists."""
    tracks = tracks.copy()
    stripped = tracks["names_stripped"].to_numpy(dtype=bool)
    counts = NameRestoration(stripped_tracks=int(stripped.sum()))
    if not stripped.any():
        return tracks, counts
    artists, titles, albums = _clean_spellings(tracks.loc[~stripped])
    old = tracks.loc[stripped, ["artist", "name", "album"]].copy()
    artist = [_restore_artist(a, artists) for a in old["artist"]]
    leads = [_lead_artist(a) for a in artist]
    name = [titles.get((lead, spelling_key(n)), n) for lead, n in zip(leads, old["name"], strict=True)]
    album = [albums.get((lead, spelling_key(a)), a) for lead, a in zip(leads, old["album"], strict=True)]
    tracks.loc[stripped, ["artist", "name", "album"]] = pd.DataFrame(
        {"artist": artist, "name": name, "album": album}, index=old.index
    )
    new = tracks.loc[stripped]
    counts.artists_restored = int((new["artist"] != old["artist"]).sum())
    counts.names_restored = int((new["name"] != old["name"]).sum())
    counts.albums_restored = int((new["album"] != old["album"]).sum())
    return tracks, counts
