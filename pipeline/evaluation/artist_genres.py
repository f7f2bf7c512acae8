"""What does a catalog artist credit really play? Spotify micro-genres per credited artist, namesakes checked.

The artist file (`artist_feature_means.csv`: one row per artist name with its mean audio features, track count and
Spotify/Every Noise micro-genres) has no artist ids, so it is joined by name:

- **Names.** `artist_key`: Unicode-normalised, case-folded, punctuation and spacing ignored, accents on Latin
  letters dropped ("Beyoncé" = "beyonce", "N.W.A." = "n w a"; Japanese and Korean names stay as they are).
- **Credits.** Importers join several artists with ", " and some names hold a comma themselves ("Tyler, The
  Creator"), so a credit is read left to right, taking at each step the longest run of parts that names a file
  artist ("Ashe, Niall Horan" -> Ashe + Niall Horan; "Tyler, The Creator, Kali Uchis" -> Tyler, The Creator +
  Kali Uchis). A part no file artist names is an unknown artist.
- **Namesakes.** Given the catalog's tracks (`with_catalog`), a file artist stands for a catalog name only when its
  mean sound lies near the mean sound of the catalog tracks crediting that name: the root-mean-square difference
  over the 8 normalised features, each divided by the catalog's spread of that feature, must be at most
  NEAR_BASE + NEAR_PER_TRACK / sqrt(tracks) (fewer catalog tracks make a noisier mean). 99% of name matches pass
  it and 30% of random artist pairings fail it (`pressedplay catalog audit`, on the shipped catalog), so it removes
  gross namesakes (a comedian's genres on a rock track, a rapper's on an EDM track) and cannot tell two
  similar-sounding artists apart. A stricter bound (0.65 + 0.85 / sqrt(tracks)) failed half of the random
  pairings but also 3% of the name matches, mostly real artists whose catalog tracks are an odd sample of their
  work (Lorne Balfe, Soda Stereo, Nusrat Fateh Ali Khan remixes). Where several file rows share a key, the one
  nearest in sound is taken (without catalog tracks: the one with the most tracks). An artist with no micro-genres
  in the file is unknown.

`plays(credit, seed)` is the keyword judge (pipeline/evaluation/genre_keywords.py, not our genre map): True when
a credited artist's micro-genres play the seed genre, False when known artists' genres do not, None when no
credited artist is known (or the seed names an occasion no artist genre speaks for).
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from pipeline.evaluation.genre_keywords import genres_play, judged
from shared.errors import InvalidInput
from shared.features import AUDIO_FEATURES, normalise
from shared.paths import shared_data_dir

CREDIT_SEPARATOR: Final = ", "
NEAR_BASE: Final = 0.9
NEAR_PER_TRACK: Final = 0.9
# Same floor as the catalog's per-feature spread, so a near-constant feature cannot blow up distances.
MIN_SCALE: Final = 0.05
# The longest run of credit parts tried as one name ("Earth, Wind & Fire" is 2; orchestras with commas reach 4).
MAX_NAME_PARTS: Final = 4
_PUNCTUATION: Final = re.compile(r"[^\w&]+")


def default_artists_path() -> Path:
    """../shared/data/artists/artist_feature_means.csv (development data; absent from a clone)."""
    return shared_data_dir() / "artists" / "artist_feature_means.csv"


def artist_key(name: str) -> str:
    """How artist names are matched across files (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue  # an accent on a Latin letter
        kept.append(char)
    folded = unicodedata.normalize("NFKC", "".join(kept))
    return " ".join(_PUNCTUATION.sub(" ", folded).split()) or folded.strip()


@dataclass(frozen=True)
class FileArtist:
    """One row of the artist file."""

    name: str
    genres: tuple[str, ...]
    sound: np.ndarray = field(repr=False)  # (8,) mean features, normalised to [0, 1]
    tracks: int


@dataclass(frozen=True)
class CreditedArtist:
    """One artist of a catalog credit and what the file says it plays (None: unknown, or a namesake)."""

    name: str
    genres: tuple[str, ...] | None


class ArtistFileError(InvalidInput):
    """The artist file is absent, unreadable or lacks the columns it needs."""


def _parse_genres(raw: object) -> tuple[str, ...]:
    if not isinstance(raw, str) or raw.strip() in ("", "[]"):
        return ()
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return ()
    return tuple(str(g) for g in value) if isinstance(value, list | tuple) else ()


def read_artist_file(path: Path) -> dict[str, list[FileArtist]]:
    """Artist key -> the file's artists of that key; raises ArtistFileError when the file cannot be used."""
    columns = ["artists", "genres", "count", *AUDIO_FEATURES]
    try:
        table = pd.read_csv(path, usecols=columns)
    except (OSError, ValueError) as exc:
        raise ArtistFileError(
            f"artist genre file {path} could not be read (needs {', '.join(columns)}): {exc}"
        ) from exc
    sound = normalise(table.loc[:, list(AUDIO_FEATURES)].apply(pd.to_numeric, errors="coerce").to_numpy(np.float32))
    counts = pd.to_numeric(table["count"], errors="coerce").fillna(1).astype(int).to_numpy()
    out: dict[str, list[FileArtist]] = {}
    for row, (name, raw) in enumerate(zip(table["artists"], table["genres"], strict=True)):
        if not isinstance(name, str) or not name.strip():
            continue
        artist = FileArtist(name=name, genres=_parse_genres(raw), sound=sound[row], tracks=int(counts[row]))
        out.setdefault(artist_key(name), []).append(artist)
    return out


@dataclass(frozen=True)
class CatalogSound:
    """Per artist key: the mean normalised sound of the catalog tracks crediting it, and how many there are."""

    means: Mapping[str, np.ndarray]
    tracks: Mapping[str, int]
    scale: np.ndarray  # (8,) the catalog's spread of each normalised feature


class ArtistGenres:
    """The artist file joined to catalog credits (see the module docstring)."""

    def __init__(self, artists: Mapping[str, list[FileArtist]], sound: CatalogSound | None = None) -> None:
        self._artists = artists
        self._sound = sound
        self._chosen: dict[str, FileArtist | None] = {}

    @classmethod
    def load(cls, path: Path | None = None) -> ArtistGenres:
        """Read the artist file (default: default_artists_path()); no namesake check until with_catalog."""
        return cls(read_artist_file(path or default_artists_path()))

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._artists.values())

    def without(self, withheld: Callable[[str], bool]) -> ArtistGenres:
        """The file less the artists whose key `withheld` picks (a held-out evaluation), no namesake check yet."""
        return ArtistGenres({key: rows for key, rows in self._artists.items() if not withheld(key)})

    def with_catalog(self, credits: Sequence[str], raw_features: np.ndarray) -> ArtistGenres:
        """The same file, with namesakes checked against these catalog tracks (credits row-aligned with features)."""
        norm = np.nan_to_num(normalise(np.asarray(raw_features, dtype=np.float32)))
        sums: dict[str, np.ndarray] = {}
        tracks: dict[str, int] = {}
        for row, credit in enumerate(credits):
            for name in self.split(credit):
                key = artist_key(name)
                sums[key] = sums.get(key, 0.0) + norm[row]
                tracks[key] = tracks.get(key, 0) + 1
        means = {key: total / tracks[key] for key, total in sums.items()}
        scale = np.maximum(norm.std(axis=0), MIN_SCALE) if len(norm) else np.ones(len(AUDIO_FEATURES))
        return ArtistGenres(self._artists, CatalogSound(means=means, tracks=tracks, scale=scale))

    def split(self, credit: str) -> list[str]:
        """The artists of a credit: the longest runs of ", "-joined parts the file names, else single parts."""
        parts = [part.strip() for part in str(credit).split(CREDIT_SEPARATOR) if part.strip()]
        names: list[str] = []
        start = 0
        while start < len(parts):
            end = start + 1
            for stop in range(min(len(parts), start + MAX_NAME_PARTS), start + 1, -1):
                if artist_key(CREDIT_SEPARATOR.join(parts[start:stop])) in self._artists:
                    end = stop
                    break
            names.append(CREDIT_SEPARATOR.join(parts[start:end]))
            start = end
        return names

    def distance(self, key: str, artist: FileArtist) -> float | None:
        """How far the file artist's mean sound is from the catalog tracks of that name (None: no catalog tracks)."""
        if self._sound is None or key not in self._sound.means:
            return None
        diff = (self._sound.means[key] - np.nan_to_num(artist.sound)) / self._sound.scale
        return float(np.sqrt(np.mean(diff**2)))

    def namesake_rates(self, seed: int = 0) -> tuple[int, float, float]:
        """Catalog names the file knows; the share of them the check keeps; the share of random pairings it refuses."""
        if self._sound is None:
            return 0, 0.0, 0.0
        with_genres = [a for rows in self._artists.values() for a in rows if a.genres]
        keys = [k for k in self._sound.means if any(a.genres for a in self._artists.get(k, ()))]
        rng = np.random.default_rng(seed)
        kept = refused = 0
        for key in keys:
            own = max((a for a in self._artists[key] if a.genres), key=lambda a: a.tracks)
            kept += self.near_enough(key, self.distance(key, own) or 0.0)
            other = with_genres[int(rng.integers(len(with_genres)))]
            refused += not self.near_enough(key, self.distance(key, other) or 0.0)
        return len(keys), kept / max(len(keys), 1), refused / max(len(keys), 1)

    def near_enough(self, key: str, distance: float) -> bool:
        """The namesake bound for a name with this many catalog tracks."""
        tracks = self._sound.tracks.get(key, 1) if self._sound else 1
        return distance <= NEAR_BASE + NEAR_PER_TRACK / math.sqrt(max(tracks, 1))

    def artist(self, name: str) -> FileArtist | None:
        """The file artist a catalog artist name stands for, or None (not in the file, no genres, a namesake)."""
        key = artist_key(name)
        if key not in self._chosen:
            self._chosen[key] = self._choose(key)
        return self._chosen[key]

    def _choose(self, key: str) -> FileArtist | None:
        candidates = [a for a in self._artists.get(key, ()) if a.genres]
        if not candidates:
            return None
        distances = [self.distance(key, a) for a in candidates]
        if any(d is None for d in distances):
            return max(candidates, key=lambda a: a.tracks)
        nearest, best = min(zip(candidates, distances, strict=True), key=lambda pair: float(pair[1] or 0.0))
        return nearest if self.near_enough(key, float(best or 0.0)) else None

    def namesake_only(self, credit: str) -> bool:
        """True when no credited artist is known but one names a file artist with genres that sounds too far off."""
        names = self.split(credit)
        if any(self.artist(name) is not None for name in names):
            return False
        return any(any(a.genres for a in self._artists.get(artist_key(name), ())) for name in names)

    def credited(self, credit: str) -> list[CreditedArtist]:
        """Each artist of the credit with its micro-genres, None where unknown."""
        out = []
        for name in self.split(credit):
            found = self.artist(name)
            out.append(CreditedArtist(name=name, genres=found.genres if found else None))
        return out

    def genres(self, credit: str) -> tuple[str, ...] | None:
        """The micro-genres of the credit's known artists, lead artist first (None when none is known)."""
        known = [a.genres for a in self.credited(credit) if a.genres is not None]
        return tuple(dict.fromkeys(g for genres in known for g in genres)) if known else None

    def plays(self, credit: str, seed: str) -> bool | None:
        """Keyword judge: does any credited artist play the seed genre? None when unknown or not judged."""
        if not judged(seed):
            return None
        known = [a.genres for a in self.credited(credit) if a.genres is not None]
        if not known:
            return None
        return any(genres_play(genres, seed) for genres in known)

    def plays_any(self, credit: str, seeds: Iterable[str]) -> bool | None:
        """Does any credited artist play any of the seeds (a playlist asked for several)? None when unknown."""
        answers = [self.plays(credit, seed) for seed in seeds]
        if any(answers):
            return True
        return False if any(a is False for a in answers) else None
