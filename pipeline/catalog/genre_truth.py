"""Each track's seed genres from the strongest evidence: what its artists play, then its sources' labels.

Evidence, strongest first:
1. **The artists' Spotify micro-genres** (`pipeline/evaluation/artist_genres.py`: joined by name, namesakes whose
   mean sound is far from the catalog's tracks of that name left out). Mapped through the genre map they propose
   seeds (ARTIST_WEIGHT), and they are the referee: where a credited artist is known, a seed stays only if one of
   the known artists' micro-genres plays it by the keyword table (`pipeline/evaluation/genre_keywords.py`). A
   label the artists contradict goes, whoever gave it: Kansas is not latin, Bon Iver not hip-hop, Bill Haley not
   jazz. Occasion seeds (happy, party, ...) are not a sound, so no artist contradicts them.
2. **The source's own seed label** (the Kaggle subset's track_genre, OWN_WEIGHT): right for 89% of its tracks
   with a known artist, so it stands where no artist is known.
3. **Playlist labels** (TidyTuesday playlist subgenres and genres, mapped): weak evidence, right for 72-75% of
   tracks with a known artist, because a playlist mixes artists ("Dust in the Wind" sits in a latin playlist).
4. For a track no artist speaks for: the genres of the known artists its artists record with on other catalog
   tracks (at least MIN_COLLABORATORS of them) veto what none of them plays; each remaining label is believed as
   far as it proved right on tracks with a known artist (`label_reliability.py`: BELIEVED, or PLAUSIBLE and the
   track lies within the radius of the genre's artist-confirmed tracks, `sound_check.py`, the tie-breaker).

Seeds are ranked by score, kept down to MIN_RELATIVE_SCORE of the best, at most MAX_GENRES. A genre that this
leaves with fewer than MIN_GENRE_TRACKS tracks (fewer in a small catalog) keeps its best-evidenced candidates up to
that many instead (`keep_thin_genres`), so no genre falls to a handful: confirmed tracks first, then unknown
artists by evidence, then tracks whose artists play it though nothing proposed it; never a contradicted label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from pipeline.evaluation.genre_keywords import judged, played_seeds
from services.playlist.recommend.genre_fallback import STAND_INS
from shared.genres import is_seed_genre

MAX_GENRES: Final = 6
OWN_WEIGHT: Final = 1.0
SUBGENRE_WEIGHT: Final = 0.5
PLAYLIST_GENRE_WEIGHT: Final = 0.3
ARTIST_WEIGHT: Final = 1.0
# A mapped label's 2nd and 3rd seeds are weaker evidence than its first.
RANK_WEIGHTS: Final = (1.0, 0.7, 0.5)
# Seeds scoring below this fraction of the track's best seed are noise.
MIN_RELATIVE_SCORE: Final = 0.2
# Seeds a known artist's genres give a track none of whose proposed seeds they play.
FALLBACK_SEEDS: Final = 2
# A track none of whose labels is believed keeps its source's own label if that is right at least this often.
LAST_RESORT: Final = 0.35
# Known artists an unknown one must record with before their genres may veto its labels.
MIN_COLLABORATORS: Final = 2
# A label right this often on tracks with a known artist is believed without them; PLAUSIBLE needs the sound too.
BELIEVED: Final = 0.8
PLAUSIBLE: Final = 0.65
# A genre with fewer tracks than this cannot fill a playlist with variety; it keeps its best candidates instead.
MIN_GENRE_TRACKS: Final = 40
CATALOG_TRACKS_PER_FLOOR_TRACK: Final = 500

# Occasions the recommender serves by stand-in sets over the whole catalog (feature ranges, the holiday mask, the
# newest releases): a label would replace the stand-in by a handful of tracks a playlist happened to carry.
STAND_IN_SEEDS: Final = frozenset(STAND_INS)

Mapped = Callable[[str], Sequence[str]]
# For a track no artist speaks for: which of its proposed seeds (scores) to believe, given the source's own seeds.
# Returns the seeds believed (with their scores) and those doubted outright (not worth giving back to a thin genre).
UnknownArtistJudge = Callable[[dict[str, float], set[str]], tuple[dict[str, float], set[str]]]


@dataclass
class Evidence:
    """What is known about one track's genres before deciding."""

    own: list[str]  # the source's own labels (seed genres, or an operator's names to map)
    subgenres: list[str]
    playlist_genres: list[str]
    artist_genres: tuple[str, ...] | None  # the credited known artists' micro-genres; None: no artist known
    # No artist known: the micro-genres of the known artists the credited ones work with on other catalog tracks.
    collaborator_genres: tuple[str, ...] | None = None


@dataclass
class Decision:
    """A track's seeds (best first) and what was said about it."""

    seeds: list[str]
    candidates: dict[str, float]  # every proposed seed and its score
    contradicted: list[str] = field(default_factory=list)  # proposed, but the known artists do not play it
    unheard: list[str] = field(default_factory=list)  # no artist known: a label not believed
    doubted: list[str] = field(default_factory=list)  # of those, a label too often wrong to give back
    also_plays: list[str] = field(default_factory=list)  # seeds the known artists play that nothing proposed


def _add(scores: dict[str, float], seeds: Iterable[str], weight: float) -> None:
    for rank, seed in enumerate(list(seeds)[: len(RANK_WEIGHTS)]):
        scores[seed] = scores.get(seed, 0.0) + weight * RANK_WEIGHTS[rank]


def source_scores(evidence: Evidence, mapped: Mapped) -> tuple[dict[str, float], set[str]]:
    """Seed scores from the sources' labels, and the seeds the source itself gave (not from playlists)."""
    scores: dict[str, float] = {}
    own: set[str] = set()
    for label in evidence.own:
        seeds = [label] if is_seed_genre(label) else list(mapped(label))
        _add(scores, seeds, OWN_WEIGHT)
        own.update(seeds[:1])
    for label in evidence.subgenres:
        _add(scores, mapped(label), SUBGENRE_WEIGHT)
    for label in evidence.playlist_genres:
        _add(scores, mapped(label), PLAYLIST_GENRE_WEIGHT)
    return scores, own


def artist_scores(micro_genres: Iterable[str], mapped: Mapped) -> dict[str, float]:
    """Seed scores from the artists' micro-genres, ARTIST_WEIGHT for the best."""
    scores: dict[str, float] = {}
    for label in micro_genres:
        _add(scores, mapped(label), 1.0)
    top = max(scores.values(), default=0.0)
    return {seed: ARTIST_WEIGHT * score / top for seed, score in scores.items()} if top else {}


def best_seeds(scores: dict[str, float]) -> list[str]:
    """Seeds best first, down to MIN_RELATIVE_SCORE of the best, at most MAX_GENRES."""
    if not scores:
        return []
    top = max(scores.values())
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [seed for seed, score in ranked if score >= MIN_RELATIVE_SCORE * top][:MAX_GENRES]


def _what_they_play(micro_genres: tuple[str, ...], plays: frozenset[str]) -> list[str]:
    """When no proposed seed survives (the map and the keywords read "bass trap" differently): the seeds most of the
    artists' micro-genres play, at most FALLBACK_SEEDS."""
    counts = {seed: sum(1 for g in micro_genres if seed in played_seeds((g,))) for seed in plays}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [seed for seed, _ in ranked[:FALLBACK_SEEDS]]


def _without_stand_ins(scores: dict[str, float]) -> dict[str, float]:
    return {seed: score for seed, score in scores.items() if seed not in STAND_IN_SEEDS}


def decide(evidence: Evidence, mapped: Mapped, judge_unknown: UnknownArtistJudge) -> Decision:
    """One track's seeds (module docstring)."""
    scores, own = source_scores(evidence, mapped)
    plays = played_seeds(evidence.artist_genres) if evidence.artist_genres is not None else frozenset()
    if plays:  # a known artist whose genres name some sound ("redneck" alone names none: it cannot referee)
        for seed, score in artist_scores(evidence.artist_genres or (), mapped).items():
            scores[seed] = scores.get(seed, 0.0) + score
        scores = _without_stand_ins(scores)
        kept = {s: v for s, v in scores.items() if s in plays or (not judged(s) and s in own)}
        seeds = best_seeds(kept) or _what_they_play(evidence.artist_genres or (), plays)
        return Decision(
            seeds, scores, contradicted=sorted(set(scores) - set(kept)), also_plays=sorted(plays - set(scores))
        )
    scores = _without_stand_ins(scores)
    circle = played_seeds(evidence.collaborator_genres) if evidence.collaborator_genres else frozenset()
    if circle:  # Jack Harlow, unknown to the file, records with Drake and DaBaby: not k-pop
        vetoed = {s for s in scores if judged(s) and s not in circle}
        scores = {s: v for s, v in scores.items() if s not in vetoed}
    believed, doubted = judge_unknown(scores, own)
    return Decision(best_seeds(believed), scores, unheard=sorted(set(scores) - set(believed)), doubted=sorted(doubted))


def believe_by_reliability(
    found: Iterable[tuple[tuple[str, str], str, int]],
    reliability: Callable[[tuple[str, str], str], float],
    sounds_like: Callable[[str], bool],
    scores: dict[str, float],
    own: set[str],
) -> tuple[dict[str, float], set[str]]:
    """For a track no artist speaks for: keep a seed its labels are BELIEVED for, or PLAUSIBLE for and the track
    sounds like; occasion seeds only from the source's own label. Scores are weighted by that reliability."""
    best: dict[str, float] = {}
    for label, seed, _ in found:
        best[seed] = max(best.get(seed, 0.0), reliability(label, seed))
    believed: dict[str, float] = {}
    doubted: set[str] = set()
    for seed, score in scores.items():
        trust = best.get(seed, 0.0)
        if seed in own if not judged(seed) else trust >= BELIEVED or (trust >= PLAUSIBLE and sounds_like(seed)):
            believed[seed] = score * trust
        elif judged(seed) and trust < PLAUSIBLE:
            doubted.add(seed)
    if not believed and own & set(scores):
        # A track keeps its source's own label when nothing is believed, unless that label is mostly wrong; a
        # playlist's label alone is not enough (Swedish pop in a "tropical" playlist is not latin).
        seed = max(own & set(scores), key=lambda s: (best.get(s, 0.0), scores[s], s))
        if best.get(seed, 0.0) >= LAST_RESORT:
            believed[seed] = scores[seed] * best[seed]
    return believed, doubted


def thin_genre_floor(tracks: int) -> int:
    """MIN_GENRE_TRACKS, less in a small catalog (one track in CATALOG_TRACKS_PER_FLOOR_TRACK): a test fixture or an
    operator's short list has no genre worth filling."""
    return min(MIN_GENRE_TRACKS, tracks // CATALOG_TRACKS_PER_FLOOR_TRACK)


def keep_thin_genres(
    decisions: list[Decision], confirmed: list[set[str]], floor: int = MIN_GENRE_TRACKS
) -> dict[str, int]:
    """Give a genre left with fewer than `floor` tracks its best candidates; returns tracks added per genre.

    Candidates are tracks that were proposed the genre and lost it, ranked by: the genre confirmed by the track's
    artists (first: it fell to the track's cut, MAX_GENRES), no artist known (next, a label the sound did not
    confirm), the score of the genre on the track; last, tracks whose artists play the genre by the keyword table
    though nothing proposed it (Japanese artists' tracks for a j-dance whose source tracks were dancehall). A label
    the track's artists contradict, or one right for fewer than PLAUSIBLE of the tracks with a known artist, is
    never given back.
    """
    counts: dict[str, int] = {}
    for decision in decisions:
        for seed in decision.seeds:
            counts[seed] = counts.get(seed, 0) + 1
    pools: dict[str, list[tuple[int, float, int]]] = {}
    for row, decision in enumerate(decisions):
        for seed, score in decision.candidates.items():
            if seed in decision.seeds or counts.get(seed, 0) >= floor:
                continue
            if seed in decision.contradicted or seed in decision.doubted:
                continue  # known or likely to be wrong: the genre is better served by its stand-in
            pools.setdefault(seed, []).append((0 if seed in confirmed[row] else 1, -score, row))
        for seed in decision.also_plays:
            if counts.get(seed, 0) < floor and seed not in STAND_IN_SEEDS and seed not in decision.seeds:
                pools.setdefault(seed, []).append((2, 0.0, row))
    added: dict[str, int] = {}
    for seed, pool in sorted(pools.items()):
        for _, _, row in sorted(pool)[: floor - counts.get(seed, 0)]:
            decisions[row].seeds.append(seed)
            added[seed] = added.get(seed, 0) + 1
    return added
