"""How true are the catalog's seed genres? Each label judged against the track's artists' Spotify genres.

`label_precision`: for every seed genre, of the tracks carrying it whose credited artist the artist file knows
(namesakes checked against the catalog's own tracks), the share whose artists play the genre by the keyword table
(`genre_keywords.py`, not our genre map). The shipped build uses the same artist file, so on the shipped catalog
this flatters the labels: it says how consistently the build applied the file, not how good its other evidence is.

`held_out_artists` answers that: the artists whose key hashes into the held-out half (a fixed md5 split, so every
run holds out the same artists) are removed from the file, the catalog is rebuilt without them, and the labels of
the tracks whose every known artist was held out are judged with the full file. That is what the sources' labels,
the playlists and the sound achieve for an artist the file does not know.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.evaluation.artist_genres import ArtistGenres, artist_key
from pipeline.evaluation.genre_keywords import judged
from shared.features import AUDIO_FEATURES


@dataclass(frozen=True)
class GenrePrecision:
    """One seed genre's labels: tracks carrying it, how many have a known artist, how many of those play it."""

    genre: str
    tracks: int
    known: int
    played: int

    @property
    def precision(self) -> float | None:
        return self.played / self.known if self.known else None


def held_out(key: str) -> bool:
    """The fixed half of artist keys withheld from a held-out build."""
    return hashlib.md5(key.encode("utf-8")).digest()[0] % 2 == 1


def judge_for(frame: pd.DataFrame, artists: ArtistGenres) -> ArtistGenres:
    """The judge with namesakes checked against this catalog's tracks."""
    raw = frame.loc[:, list(AUDIO_FEATURES)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float32)
    return artists.with_catalog(frame["artist"].astype(str).tolist(), raw)


def label_precision(
    frame: pd.DataFrame, judge: ArtistGenres, rows: Iterable[int] | None = None
) -> dict[str, GenrePrecision]:
    """Per judged seed genre, the precision of its labels over `rows` (default: every track)."""
    tally: dict[str, list[int]] = {}
    credits = frame["artist"].astype(str).to_numpy()
    genres = frame["genres"].to_numpy()
    for row in range(len(frame)) if rows is None else rows:
        for seed in genres[row]:
            if not judged(seed):
                continue
            counts = tally.setdefault(seed, [0, 0, 0])
            counts[0] += 1
            plays = judge.plays(credits[row], seed)
            if plays is not None:
                counts[1] += 1
                counts[2] += int(plays)
    return {seed: GenrePrecision(seed, *counts) for seed, counts in sorted(tally.items())}


def overall(results: Iterable[GenrePrecision]) -> tuple[int, float | None]:
    """Labels with a known artist, and the share of them right, over all genres."""
    items = list(results)
    known = sum(r.known for r in items)
    return known, (sum(r.played for r in items) / known if known else None)


def held_out_rows(frame: pd.DataFrame, judge: ArtistGenres) -> list[int]:
    """Tracks with a known artist, every one of whose known artists is in the held-out half."""
    rows = []
    for row, credit in enumerate(frame["artist"].astype(str)):
        known = [a for a in judge.credited(credit) if a.genres is not None]
        if known and all(held_out(artist_key(a.name)) for a in known):
            rows.append(row)
    return rows


def held_out_artists(
    build: Callable[[ArtistGenres], pd.DataFrame], artists: ArtistGenres
) -> tuple[pd.DataFrame, dict[str, GenrePrecision]]:
    """Rebuild without the held-out artists and judge their tracks' labels with the full file."""
    frame = build(artists.without(held_out))
    judge = judge_for(frame, artists)
    return frame, label_precision(frame, judge, held_out_rows(frame, judge))


def precision_table(columns: Sequence[tuple[str, dict[str, GenrePrecision]]]) -> list[str]:
    """Markdown rows: genre, then per column its tracks and label precision."""
    genres = sorted({g for _, results in columns for g in results})
    head = "| genre | " + " | ".join(f"{name}: tracks | {name}: precision (known)" for name, _ in columns) + " |"
    lines = [head, "|---|" + "---|---|" * len(columns)]
    for genre in genres:
        cells = []
        for _, results in columns:
            r = results.get(genre)
            shown = f"{r.precision:.2f} ({r.known})" if r and r.precision is not None else "-"
            cells += [str(r.tracks if r else 0), shown]
        lines.append(f"| {genre} | " + " | ".join(cells) + " |")
    cells = []
    for _, results in columns:
        known, precision = overall(results.values())
        cells += [str(sum(r.tracks for r in results.values())), f"{precision:.3f} ({known})" if precision else "-"]
    lines.append("| **all labels** | " + " | ".join(cells) + " |")
    return lines
