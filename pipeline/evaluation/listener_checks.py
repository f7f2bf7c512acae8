"""What a listener notices in one playlist, checked the way issue 19 checks it.

- Genre truth: of the tracks whose artist the artist file knows, the share whose artist really plays an asked genre
  (the artist's Spotify micro-genres by keyword, not our genre map: `pipeline/evaluation/artist_genres.py`).
- Holiday songs nobody asked for: a title with a holiday word (a cross-check of the catalog's own mask).
- One song twice: the same title without version marks, whoever sings it (services/playlist/recommend/credits.py).
- An asked genre missing from a list of several: no track whose artist plays it (or, artist unknown, labelled it).
- Artist crowding: any credited artist more than `max_per_artist` times.
- Flow: the mean step between neighbours (services/playlist/recommend/sequencing.py) in the list's order, in the
  order of the search (nearest to the target first), and in random orders.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

import numpy as np

from services.playlist.recommend.credits import credited_artists, song_title
from services.playlist.recommend.sequencing import Sound, mean_step
from shared.recommendation import RecommendedTrack

# Titles only: albums are compilations ("Christmas Songs 2022" holds "God Only Knows"). Simpler than the catalog's
# own mask (services/playlist/recommend/seasons.py) on purpose, as an independent cross-check; a hit is printed for
# reading.
HOLIDAY_WORDS: Final = re.compile(
    r"christmas|\bx-?mas\b|navidad|santa claus|santa baby|\bsantas\b|santa'?s\b|jingle bell|reindeer|mistletoe|"
    r"sleigh|weihnacht|hanukkah|chanukah|kwanzaa|new year'?s eve|halloween|クリスマス|크리스마스|圣诞|聖誕",
    re.IGNORECASE,
)
RANDOM_ORDERS: Final = 20


class GenreJudge(Protocol):
    """Whether a credit's artists really play one of some seed genres (None: no credited artist is known)."""

    def plays_any(self, credit: str, seeds: Iterable[str]) -> bool | None: ...


@dataclass
class ListChecks:
    """One playlist's listener checks."""

    judged: int = 0
    faithful: int = 0
    unfaithful: list[str] = field(default_factory=list)
    holiday: list[str] = field(default_factory=list)
    repeated_songs: list[str] = field(default_factory=list)
    missing_genres: list[str] = field(default_factory=list)
    crowded_artists: list[str] = field(default_factory=list)
    step: float = 0.0
    search_step: float = 0.0
    random_step: float = 0.0


def is_holiday_song(track: RecommendedTrack) -> bool:
    """A holiday word in the title."""
    return bool(HOLIDAY_WORDS.search(track.name))


def check_list(
    tracks: Sequence[RecommendedTrack],
    *,
    asked: Sequence[str],
    judge: GenreJudge,
    sound: Sound,
    holidays_asked: bool = False,
    max_per_artist: int = 2,
    seed: int = 0,
) -> ListChecks:
    """Every check above for one list; `sound` is row-aligned with `tracks` (for the flow)."""
    checks = ListChecks()
    for track in tracks:
        verdict = judge.plays_any(track.artist, asked) if asked else None
        if verdict is not None:
            checks.judged += 1
            checks.faithful += int(verdict)
            if not verdict:
                checks.unfaithful.append(f"{track.artist} - {track.name}")
        if not holidays_asked and is_holiday_song(track):
            checks.holiday.append(f"{track.artist} - {track.name}")
    checks.repeated_songs = _repeated(tracks, lambda t: [song_title(t.name)])
    checks.missing_genres = missing_genres(tracks, asked=asked, judge=judge) if len(asked) > 1 else []
    credits = Counter(a for t in tracks for a in credited_artists(t.artist, t.name))
    checks.crowded_artists = [artist for artist, count in credits.items() if count > max_per_artist]
    _flow(checks, tracks, sound, seed=seed)
    return checks


def _repeated(tracks: Sequence[RecommendedTrack], keys_of: Callable[[RecommendedTrack], Iterable[object]]) -> list[str]:
    seen: dict[object, str] = {}
    repeated = []
    for track in tracks:
        label = f"{track.artist} - {track.name}"
        keys = list(keys_of(track))
        earlier = next((seen[k] for k in keys if k in seen), None)
        if earlier is not None:
            repeated.append(f"{earlier} / {label}")
        seen.update(dict.fromkeys(keys, label))
    return repeated


def missing_genres(tracks: Sequence[RecommendedTrack], *, asked: Sequence[str], judge: GenreJudge) -> list[str]:
    """Asked genres no track plays: by its artist where known, else by its catalog labels."""
    missing = []
    for genre in asked:
        present = False
        for track in tracks:
            verdict = judge.plays_any(track.artist, [genre])
            present = verdict if verdict is not None else genre in track.genres
            if present:
                break
        if not present:
            missing.append(genre)
    return missing


def _flow(checks: ListChecks, tracks: Sequence[RecommendedTrack], sound: Sound, *, seed: int) -> None:
    count = len(tracks)
    if count < 2:
        return
    checks.step = mean_step(sound, np.arange(count))
    checks.search_step = mean_step(sound, np.argsort([t.distance for t in tracks], kind="stable"))
    rng = np.random.default_rng(seed)
    checks.random_step = float(np.mean([mean_step(sound, rng.permutation(count)) for _ in range(RANDOM_ORDERS)]))
