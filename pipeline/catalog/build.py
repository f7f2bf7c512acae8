"""Build data/catalog.parquet: merge the sources, collapse to one row per track, and give every track seed genres.

A source's own seed labels (the Kaggle set's track_genre) come first. The rest are scored from three label
sources, each mapped through the genre map: its playlists' subgenres (the most specific, weight 1.0), its
playlists' broad genres (0.6), and its artist's Every-Noise micro-genres from artist_feature_means.csv (0.8 in
total, spread over the artist's genres; only where the track sounds like the genre, see catalog_sound_check.py).
Seeds are kept best first, at most MAX_GENRES per track (more only when a source gave more labels itself).
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from pipeline.catalog.merge import import_sources, restore_stripped_names
from pipeline.catalog.report import BuildReport
from pipeline.catalog.sound_check import GenreSoundCheck
from services.playlist.catalog import CATALOG_COLUMNS, CatalogError, spotify_uri, validate_catalog_frame
from services.playlist.genre_map import GenreMapping
from services.playlist.seasons import holiday_mask
from shared.features import AUDIO_FEATURES, normalise
from shared.genres import is_seed_genre

__all__ = ["BuildReport", "build_catalog_frame", "load_artist_genres", "write_catalog"]

MAX_GENRES: Final = 6
SUBGENRE_WEIGHT: Final = 1.0
PLAYLIST_GENRE_WEIGHT: Final = 0.6
ARTIST_WEIGHT: Final = 0.8
# A mapped label's 2nd and 3rd seeds are weaker evidence than its first.
RANK_WEIGHTS: Final = (1.0, 0.7, 0.5)
# Seeds scoring below this fraction of the track's best seed are noise from one weak artist tag.
MIN_RELATIVE_SCORE: Final = 0.2
_PUNCTUATION: Final = re.compile(r"[^\w&]+")


def artist_join_key(name: str) -> str:
    """How artist names are matched across files: Unicode-normalised, case-folded, punctuation and spacing ignored."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(_PUNCTUATION.sub(" ", folded).split()) or folded.strip()


def load_artist_genres(path: Path) -> dict[str, list[str]]:
    """Artist join key -> micro-genres, from artist_feature_means.csv (`artists`, `genres` columns)."""
    try:
        table = pd.read_csv(path, usecols=["artists", "genres"])
    except (OSError, ValueError) as exc:
        raise CatalogError(f"artist genre file {path} could not be read: {exc}") from exc
    out: dict[str, list[str]] = {}
    for artist, raw in zip(table["artists"], table["genres"], strict=True):
        if not isinstance(artist, str) or not isinstance(raw, str) or raw in ("[]", ""):
            continue
        try:
            genres = [str(g) for g in ast.literal_eval(raw)]
        except (ValueError, SyntaxError):
            continue
        merged = out.setdefault(artist_join_key(artist), [])
        merged.extend(g for g in genres if g not in merged)
    return out


def collapse_tracks(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per track_id: first scalar values, and label lists ordered by how many playlists carry them."""
    rows = rows.reset_index(drop=True)
    labels: dict[str, dict[str, Counter[str]]] = {"playlist_genres": {}, "subgenres": {}, "genres": {}}
    for column, per_track in labels.items():
        for track_id, values in zip(rows["track_id"], rows[column], strict=True):
            per_track.setdefault(track_id, Counter()).update(values)
    first = rows.drop_duplicates("track_id", keep="first").copy()
    for column, per_track in labels.items():
        first[column] = [[label for label, _ in per_track[t].most_common()] for t in first["track_id"]]
    return first.reset_index(drop=True)


def _artist_micro_genres(artist: object, artist_genres: dict[str, list[str]]) -> list[str]:
    if not isinstance(artist, str) or not artist_genres:
        return []
    found = artist_genres.get(artist_join_key(artist))
    if found is None and ", " in artist:
        # Importers join several artists with ", "; the lead artist speaks for the track ("Tyler, The Creator"
        # still matches whole, first).
        found = artist_genres.get(artist_join_key(artist.split(", ")[0]))
    return found or []


def _add_mapped(scores: dict[str, float], seeds: Iterable[str], weight: float) -> None:
    for rank, seed in enumerate(list(seeds)[: len(RANK_WEIGHTS)]):
        scores[seed] = scores.get(seed, 0.0) + weight * RANK_WEIGHTS[rank]


def _best_seeds(scores: dict[str, float]) -> list[str]:
    if not scores:
        return []
    top = max(scores.values())
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [seed for seed, score in ranked if score >= MIN_RELATIVE_SCORE * top][:MAX_GENRES]


def _own_scores(
    given: list[str], sub: list[str], playlist: list[str], mapped: Callable[[str], list[str]]
) -> dict[str, float]:
    """Seed scores from what the sources themselves say about the track (no artist join)."""
    scores: dict[str, float] = {}
    for label in given:
        if is_seed_genre(label):
            scores[label] = scores.get(label, 0.0) + SUBGENRE_WEIGHT
        else:  # an operator's own non-seed labels count like subgenres
            _add_mapped(scores, mapped(label), SUBGENRE_WEIGHT)
    for label in sub:
        _add_mapped(scores, mapped(label), SUBGENRE_WEIGHT)
    for label in playlist:
        _add_mapped(scores, mapped(label), PLAYLIST_GENRE_WEIGHT)
    return scores


def _artist_scores(micro: list[str], mapped: Callable[[str], list[str]]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for label in micro:
        _add_mapped(scores, mapped(label), 1.0)
    if not scores:
        return {}
    top = max(scores.values())
    return {seed: ARTIST_WEIGHT * score / top for seed, score in scores.items()}


def assign_seed_genres(
    tracks: pd.DataFrame, *, mapper: GenreMapping, artist_genres: dict[str, list[str]], report: BuildReport
) -> pd.DataFrame:
    """Fill `genres` (seed genres, best first) on collapsed tracks and record coverage in the report.

    A source's own seed labels (`genres`, e.g. the Kaggle set's track_genre) come first, in their order; the rest
    is scored. An artist-name join adds a seed only where the track sounds like that genre's source-labelled tracks
    (pipeline/catalog/sound_check.py).
    """
    cache: dict[str, list[str]] = {}
    unmapped: set[str] = set()

    def mapped(label: str) -> list[str]:
        if label not in cache:
            cache[label] = list(mapper.map(label))
            if not cache[label]:
                unmapped.add(label)
        return cache[label]

    own: list[dict[str, float]] = []
    joined: list[dict[str, float]] = []
    for given, playlist, sub, artist in zip(
        tracks["genres"], tracks["playlist_genres"], tracks["subgenres"], tracks["artist"], strict=True
    ):
        own.append(_own_scores(list(given), list(sub), list(playlist), mapped))
        report.from_subgenres += bool(any(mapped(label) for label in sub))
        report.from_playlist_genres += bool(any(mapped(label) for label in playlist))
        micro = _artist_micro_genres(artist, artist_genres)
        report.with_artist_match += bool(micro)
        joined.append(_artist_scores(micro, mapped))
        report.from_artist_genres += bool(joined[-1])
    features = np.nan_to_num(normalise(tracks.loc[:, list(AUDIO_FEATURES)].to_numpy(dtype=np.float32)))
    check = GenreSoundCheck(features, [scores.keys() for scores in own])
    genres_out: list[list[str]] = []
    for row, (given, scores, artist_scores) in enumerate(zip(tracks["genres"], own, joined, strict=True)):
        scores = dict(scores)
        for seed, score in artist_scores.items():
            if seed in scores or check.fits(row, seed):
                scores[seed] = scores.get(seed, 0.0) + score
            else:
                report.artist_seeds_dropped += 1
        first = [label for label in dict.fromkeys(given) if is_seed_genre(label)]
        ranked = first + [seed for seed in _best_seeds(scores) if seed not in first]
        genres_out.append(ranked[: max(MAX_GENRES, len(first))])
    tracks = tracks.copy()
    tracks["genres"] = genres_out
    report.with_genres = sum(1 for g in genres_out if g)
    report.mean_genres_per_track = float(np.mean([len(g) for g in genres_out])) if genres_out else 0.0
    counts = Counter(seed for g in genres_out for seed in g)
    report.distinct_genres = len(counts)
    report.genre_counts = dict(counts.most_common())
    report.unmapped_labels = sorted(unmapped)
    return tracks


def build_catalog_frame(
    sources: Path | Sequence[Path], *, mapper: GenreMapping, artist_genres: dict[str, list[str]] | None = None
) -> tuple[pd.DataFrame, BuildReport]:
    """Import, merge, collapse and genre-tag one or more sources; the frame has exactly CATALOG_COLUMNS, validated."""
    paths = [sources] if isinstance(sources, Path) else list(sources)
    if not paths:
        raise CatalogError("no catalog source given")
    rows, summaries = import_sources(paths)
    tracks = collapse_tracks(rows)
    tracks, restored = restore_stripped_names(tracks)
    report = BuildReport(
        source=", ".join(s.name for s in summaries),
        layout=", ".join(s.layout for s in summaries),
        source_rows=len(rows),
        tracks=len(tracks),
        sources=[s.as_dict() for s in summaries],
        tracks_in_several_sources=int((rows.groupby("track_id")["source_rank"].nunique() > 1).sum()),
        # Tracks a stripping source lists whose clean names another source gave (collapse preferred those rows).
        names=asdict(restored)
        | {"from_another_source": int(rows.groupby("track_id")["names_stripped"].nunique().gt(1).sum())},
    )
    tracks = assign_seed_genres(tracks, mapper=mapper, artist_genres=artist_genres or {}, report=report)
    tracks["uri"] = tracks["track_id"].map(spotify_uri)
    for column in ("name", "artist", "album", "release_date"):
        tracks[column] = tracks[column].fillna("").astype(str)
    tracks["holiday"] = holiday_mask(tracks["name"], tracks["album"], tracks["artist"])
    report.holiday_tracks = int(tracks["holiday"].sum())
    tracks["key"] = pd.to_numeric(tracks["key"], errors="coerce").fillna(-1).astype(np.int8)
    tracks["mode"] = pd.to_numeric(tracks["mode"], errors="coerce").fillna(-1).astype(np.int8)
    tracks["duration_ms"] = pd.to_numeric(tracks["duration_ms"], errors="coerce").fillna(0).astype(np.int64)
    tracks["tempo"] = pd.to_numeric(tracks["tempo"], errors="coerce").astype(np.float32)
    frame = validate_catalog_frame(tracks.loc[:, list(CATALOG_COLUMNS)], source=report.source)
    return frame, report


def write_catalog(frame: pd.DataFrame, path: Path) -> None:
    """Write the catalog as zstd Parquet (list columns as list<string>)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = frame.copy()
    for column in ("playlist_genres", "subgenres", "genres"):
        frame[column] = [list(v) for v in frame[column]]
    frame.to_parquet(path, index=False, compression="zstd", compression_level=19)
