"""Build data/catalog.parquet: merge the sources, collapse to one row per track, and give every track seed genres.

Seed genres are decided from the strongest evidence (pipeline/catalog/genre_truth.py): the credited artists'
Spotify micro-genres (joined by name, namesakes checked; they propose seeds and veto the labels they contradict),
the source's own seed label, playlist labels as weak evidence, and the sound as a tie-breaker where no artist is
known. Holiday songs are marked (services/playlist/recommend/seasons.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.catalog.genre_truth import (
    MIN_COLLABORATORS,
    Decision,
    Evidence,
    believe_by_reliability,
    decide,
    keep_thin_genres,
    thin_genre_floor,
)
from pipeline.catalog.label_reliability import LabelReliability, proposals
from pipeline.catalog.merge import import_sources, restore_stripped_names
from pipeline.catalog.report import BuildReport
from pipeline.catalog.sound_check import GenreSoundCheck
from pipeline.evaluation.artist_genres import ArtistGenres, artist_key
from pipeline.evaluation.genre_keywords import played_seeds
from services.playlist.genres.mapping import GenreMapping
from services.playlist.recommend.catalog import CATALOG_COLUMNS, CatalogError, spotify_uri, validate_catalog_frame
from services.playlist.recommend.seasons import holiday_mask
from shared.features import AUDIO_FEATURES, normalise

__all__ = ["BuildReport", "build_catalog_frame", "write_catalog"]


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


class _Mapped:
    """The genre map with a cache, remembering the labels it could not map."""

    def __init__(self, mapper: GenreMapping) -> None:
        self._mapper = mapper
        self._cache: dict[str, list[str]] = {}
        self.unmapped: set[str] = set()

    def __call__(self, label: str) -> list[str]:
        if label not in self._cache:
            self._cache[label] = list(self._mapper.map(label))
            if not self._cache[label]:
                self.unmapped.add(label)
        return self._cache[label]


def _collaborators(credits: list[str], artists: ArtistGenres) -> dict[str, tuple[str, ...]]:
    """Unknown artist name -> micro-genres of the known artists credited beside it on any catalog track
    (only names with at least MIN_COLLABORATORS of them)."""
    circles: dict[str, dict[str, tuple[str, ...]]] = {}
    for credit in credits:
        names = artists.split(credit)
        found = {name: artists.artist(name) for name in names}
        known = {a.name: a.genres for a in found.values() if a is not None}
        for name, artist in found.items():
            if artist is None and known:
                circles.setdefault(artist_key(name), {}).update(known)
    return {
        key: tuple(dict.fromkeys(g for genres in circle.values() for g in genres))
        for key, circle in circles.items()
        if len(circle) >= MIN_COLLABORATORS
    }


def _evidence(tracks: pd.DataFrame, artists: ArtistGenres | None) -> list[Evidence]:
    credits = tracks["artist"].fillna("").astype(str).tolist()
    circles = _collaborators(credits, artists) if artists is not None else {}
    out = []
    for own, sub, playlist, credit in zip(
        tracks["genres"], tracks["subgenres"], tracks["playlist_genres"], credits, strict=True
    ):
        known = artists.genres(credit) if artists is not None else None
        circle = [g for name in artists.split(credit) for g in circles.get(artist_key(name), ())] if artists else []
        out.append(Evidence(list(own), list(sub), list(playlist), known, tuple(dict.fromkeys(circle)) or None))
    return out


def _decide_all(evidence: list[Evidence], features: np.ndarray, mapped: _Mapped, report: BuildReport) -> list[Decision]:
    """Tracks with a known artist first: they measure each label's reliability and describe each genre's sound,
    which then decide for the tracks no artist speaks for."""
    decisions: list[Decision | None] = [None] * len(evidence)
    reliability = LabelReliability()
    found = [proposals(e.own, e.subgenres, e.playlist_genres, mapped) for e in evidence]
    for row, item in enumerate(evidence):
        if item.artist_genres is not None and played_seeds(item.artist_genres):
            decisions[row] = decide(item, mapped, _unused)
            reliability.observe(found[row], item.artist_genres)
    check = GenreSoundCheck(features, [d.seeds if d is not None else [] for d in decisions])
    for row, item in enumerate(evidence):
        if decisions[row] is None:
            believe = partial(believe_by_reliability, found[row], reliability.of, partial(check.fits, row))
            decisions[row] = decide(item, mapped, believe)
    report.label_reliability = reliability.table()
    return [d for d in decisions if d is not None]


def _unused(scores: dict[str, float], own: set[str]) -> tuple[dict[str, float], set[str]]:
    raise AssertionError("a track with a known artist is decided by its artists")


def assign_seed_genres(
    tracks: pd.DataFrame, *, mapper: GenreMapping, artists: ArtistGenres | None, report: BuildReport
) -> pd.DataFrame:
    """Fill `genres` (seed genres, best first) on collapsed tracks and record what decided them in the report."""
    mapped = _Mapped(mapper)
    raw = tracks.loc[:, list(AUDIO_FEATURES)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float32)
    credits = tracks["artist"].fillna("").astype(str).tolist()
    if artists is not None:
        artists = artists.with_catalog(credits, raw)
        report.namesakes = sum(1 for credit in credits if artists.namesake_only(credit))
    evidence = _evidence(tracks, artists)
    features = np.nan_to_num(normalise(raw))
    decisions = _decide_all(evidence, features, mapped, report)
    confirmed = [
        set(d.seeds) if e.artist_genres is not None else set() for d, e in zip(decisions, evidence, strict=True)
    ]
    report.thin_genres_kept = keep_thin_genres(decisions, confirmed, thin_genre_floor(len(decisions)))
    report.record_decisions(evidence, decisions)
    tracks = tracks.copy()
    tracks["genres"] = [d.seeds for d in decisions]
    counts = Counter(seed for d in decisions for seed in d.seeds)
    report.genre_counts = dict(counts.most_common())
    report.unmapped_labels = sorted(mapped.unmapped)
    return tracks


def build_catalog_frame(
    sources: Path | Sequence[Path], *, mapper: GenreMapping, artists: ArtistGenres | None = None
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
    tracks = assign_seed_genres(tracks, mapper=mapper, artists=artists, report=report)
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
