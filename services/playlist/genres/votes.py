"""The text model's neighbours as evidence: their seed votes, how confident they are, and how votes combine with
the word rules (services/playlist/genres/mapping.py; the file's builder uses them too)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from services.playlist.genres.rules import MAX_SEEDS

_RANK_WEIGHTS: Final = (1.0, 0.55, 0.35)


def vote_seeds(
    neighbours: Iterable[tuple[str, float]], mapping: Mapping[str, Sequence[str]]
) -> list[tuple[str, float]]:
    """Seed genres ranked by the similarity-weighted votes of the neighbours' own mappings."""
    scores: dict[str, float] = {}
    for key, sim in neighbours:
        for rank, seed in enumerate(mapping.get(key, ())[:MAX_SEEDS]):
            scores[seed] = scores.get(seed, 0.0) + max(sim, 0.0) ** 3 * _RANK_WEIGHTS[rank]
    return sorted(scores.items(), key=lambda kv: -kv[1])


def neighbour_confidence(neighbours: Sequence[tuple[str, float]], votes: Sequence[tuple[str, float]]) -> float:
    """Top neighbour similarity times the winning seed's share of all votes: near and agreeing neighbours -> high."""
    total = sum(score for _, score in votes)
    if not neighbours or total <= 0:
        return 0.0
    return neighbours[0][1] * votes[0][1] / total


def combine_evidence(styles: Sequence[str], regions: Sequence[str], votes: Sequence[tuple[str, float]]) -> list[str]:
    """Rule styles then rule regions; a name without either takes the neighbours' best vote alone."""
    out: list[str] = []
    for seed in (*styles, *regions):
        if seed not in out:
            out.append(seed)
    # Neighbour votes only stand in for a missing word reading: beside a style word they added more wrong seeds than
    # right ones on the dev labels ("musica per bambini" + brazil; dev2 file precision 0.939 -> 0.976 without them),
    # and beside a place alone ("musica galega") a voted style is a guess.
    if not out and votes:
        out.append(votes[0][0])
    return out[:MAX_SEEDS]
