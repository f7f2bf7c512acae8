"""How often is a source's label right? Measured on the tracks whose artists the file knows, used where it does not.

A label is a (kind, name) pair: ("own", "k-pop") for the Kaggle subset's track_genre, ("subgenre", "tropical") and
("playlist", "latin") for TidyTuesday's playlists. Over the tracks with a known artist, the reliability of a label
for a seed genre it proposes is the share of those tracks whose artists play that seed (keyword table), smoothed
towards the share over all labels of its kind (89% for the Kaggle subset's own labels, 72-75% for playlists) with
PRIOR_WEIGHT pseudo-tracks, so a label seen on three tracks does not read as certain and a label no known artist
carries (the Kaggle subset's "iranian", "turkish") is believed as much as its kind. The
Kaggle subset's "j-dance" tracks are Jamaican dancehall (4% of them by j-dance artists), its "k-pop" holds Tamil
and Hindi film songs, and TidyTuesday's "latin" playlists hold Kansas: such labels are not believed for a track no
artist speaks for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Final

from pipeline.evaluation.genre_keywords import judged, played_seeds
from shared.genres import is_seed_genre

PRIOR: Final = 0.6
PRIOR_WEIGHT: Final = 5.0
# Known-artist proposals of a kind needed before its labels can be doubted at all.
MIN_CALIBRATION: Final = 100
# The kinds of label a source gives, in the order tracks carry them.
KINDS: Final = ("own", "subgenre", "playlist")

Label = tuple[str, str]


def proposals(
    own: Iterable[str], subgenres: Iterable[str], playlist_genres: Iterable[str], mapped: Callable[[str], Sequence[str]]
) -> list[tuple[Label, str, int]]:
    """Each (label, seed it proposes, the seed's place in the label's mapping) of one track."""
    out: list[tuple[Label, str, int]] = []
    for kind, labels in zip(KINDS, (own, subgenres, playlist_genres), strict=True):
        for label in labels:
            seeds = [label] if kind == "own" and is_seed_genre(label) else list(mapped(label))[:3]
            out.extend(((kind, label), seed, rank) for rank, seed in enumerate(seeds))
    return out


class LabelReliability:
    """Per (label, seed): how many known-artist tracks carried it, and how many of their artists play the seed."""

    def __init__(self) -> None:
        self._seen: dict[tuple[Label, str], list[int]] = {}
        self._priors: dict[str, float] = {}  # filled on first use, once every track is observed

    def observe(self, found: Iterable[tuple[Label, str, int]], artist_genres: tuple[str, ...]) -> None:
        """Count one known-artist track's proposals against what its artists play."""
        plays = played_seeds(artist_genres)
        if not plays:
            return  # artists whose genres name no sound cannot tell a right label from a wrong one
        for label, seed, _ in found:
            if judged(seed):
                counts = self._seen.setdefault((label, seed), [0, 0])
                counts[0] += 1
                counts[1] += int(seed in plays)

    def prior(self, kind: str) -> float:
        """The share of right proposals over every label of a kind; 1.0 (believe it) with too few to measure."""
        tracks = right = 0
        for ((label_kind, _), _), counts in self._seen.items():
            if label_kind == kind:
                tracks, right = tracks + counts[0], right + counts[1]
        if tracks < MIN_CALIBRATION:
            return 1.0  # a build without the artist file (or a tiny one) has nothing to doubt its sources with
        return (right + PRIOR * PRIOR_WEIGHT) / (tracks + PRIOR_WEIGHT)

    def of(self, label: Label, seed: str) -> float:
        """The share of right proposals, smoothed towards its kind's (a label never seen gets the kind's share)."""
        if label[0] not in self._priors:
            self._priors[label[0]] = self.prior(label[0])
        tracks, right = self._seen.get((label, seed), (0, 0))
        return (right + self._priors[label[0]] * PRIOR_WEIGHT) / (tracks + PRIOR_WEIGHT)

    def table(self) -> dict[str, tuple[int, float]]:
        """'kind:label -> seed' -> (known-artist tracks, reliability), for the report."""
        return {f"{k}:{n} -> {s}": (c[0], self.of((k, n), s)) for ((k, n), s), c in sorted(self._seen.items())}
