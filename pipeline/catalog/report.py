"""What a catalog build produced: sources, merge, genre coverage, and tracks per seed genre (all 126, zeros too)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final

from shared.genres import SEED_GENRES

if TYPE_CHECKING:
    from pipeline.catalog.genre_truth import Decision, Evidence

COUNT_COLUMNS: Final = 4


@dataclass
class BuildReport:
    """What a build produced and how well genres covered it."""

    source: str
    layout: str
    source_rows: int
    tracks: int
    sources: list[dict[str, Any]] = field(default_factory=list)
    tracks_in_several_sources: int = 0
    names: dict[str, int] = field(default_factory=dict)
    with_genres: int = 0
    with_artist_match: int = 0
    namesakes: int = 0
    own_labels_contradicted: int = 0
    playlist_labels_contradicted: int = 0
    labels_not_believed: int = 0
    thin_genres_kept: dict[str, int] = field(default_factory=dict)
    label_reliability: dict[str, tuple[int, float]] = field(default_factory=dict)
    holiday_tracks: int = 0
    mean_genres_per_track: float = 0.0
    distinct_genres: int = 0
    unmapped_labels: list[str] = field(default_factory=list)
    genre_counts: dict[str, int] = field(default_factory=dict)

    def record_decisions(self, evidence: Sequence[Evidence], decisions: Sequence[Decision]) -> None:
        """Count what decided the tracks' genres."""
        self.with_artist_match = sum(1 for e in evidence if e.artist_genres is not None)
        self.with_genres = sum(1 for d in decisions if d.seeds)
        self.mean_genres_per_track = sum(len(d.seeds) for d in decisions) / max(len(decisions), 1)
        self.distinct_genres = len({s for d in decisions for s in d.seeds})
        for item, decision in zip(evidence, decisions, strict=True):
            own = set(item.own)
            self.own_labels_contradicted += sum(1 for s in decision.contradicted if s in own)
            self.playlist_labels_contradicted += sum(1 for s in decision.contradicted if s not in own)
            self.labels_not_believed += len(decision.unheard)

    @property
    def seed_genre_counts(self) -> dict[str, int]:
        """Tracks per seed genre, all 126 in Spotify's order (alphabetical), 0 where the catalog has none."""
        return {genre: self.genre_counts.get(genre, 0) for genre in SEED_GENRES}

    @property
    def empty_seed_genres(self) -> list[str]:
        """Seed genres no track carries (the recommender serves them by substitution)."""
        return [genre for genre, count in self.seed_genre_counts.items() if count == 0]

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return asdict(self) | {"seed_genre_counts": self.seed_genre_counts, "empty_seed_genres": self.empty_seed_genres}

    def summary(self) -> str:
        """Human-readable lines, ending with the count of every seed genre."""

        def pct(count: int) -> str:
            return f"{count} ({100.0 * count / max(self.tracks, 1):.1f}%)"

        lines = [f"catalog from {self.source} ({self.layout}): {self.source_rows} rows -> {self.tracks} tracks"]
        lines += [
            f"  {s['name']} ({s['layout']}): {s['rows']} rows, {s['tracks']} tracks, {s['stripped_rows']} stripped"
            for s in self.sources
        ]
        names = self.names
        lines += [
            f"tracks in several sources: {self.tracks_in_several_sources}; tracks known only by stripped names: "
            f"{names.get('stripped_tracks', 0)}, clean names from another source: "
            f"{names.get('from_another_source', 0)} "
            f"(clean spelling found for {names.get('names_restored', 0)} titles, "
            f"{names.get('artists_restored', 0)} artists, {names.get('albums_restored', 0)} albums)",
            f"with >=1 seed genre: {pct(self.with_genres)}; a credited artist known: {pct(self.with_artist_match)} "
            f"(tracks whose only file match is a namesake by sound: {self.namesakes})",
            f"labels the known artists contradict, dropped: {self.own_labels_contradicted} of the sources' own, "
            f"{self.playlist_labels_contradicted} proposed by playlists or artists' other tags; labels of tracks no "
            f"artist speaks for, not believed (too often wrong on known artists' tracks, or not the genre's sound): "
            f"{self.labels_not_believed}",
            f"thin genres given back their best candidates: "
            f"{', '.join(f'{g} +{n}' for g, n in self.thin_genres_kept.items()) or 'none'}",
            f"mean seed genres per track: {self.mean_genres_per_track:.2f}; distinct seed genres: "
            f"{self.distinct_genres} of {len(SEED_GENRES)}",
            f"holiday songs (services/playlist/recommend/seasons.py): {pct(self.holiday_tracks)}",
            f"unmapped labels: {', '.join(self.unmapped_labels) or 'none'}",
            f"seed genres without tracks: {', '.join(self.empty_seed_genres) or 'none'}",
            "tracks per seed genre:",
        ]
        cells = [f"{genre:<18}{count:>6}" for genre, count in self.seed_genre_counts.items()]
        lines += ["  " + "   ".join(cells[i : i + COUNT_COLUMNS]) for i in range(0, len(cells), COUNT_COLUMNS)]
        return "\n".join(lines)
