"""The order a playlist plays in: it opens on the photo's mood and then moves in small steps of energy, tempo and key.

A step between two tracks (`step_costs`) adds three parts, each divided by what a noticeable change is:
- energy: the difference (a change of 0.25 counts one);
- tempo: the log ratio of BPMs, allowing half and double time (120 -> 60 BPM mixes as well as 120 -> 120);
  a ratio of 1.2 (about 20 % faster) counts one;
- key: steps on the Camelot wheel, the DJs' map of harmonic mixing: the same key 0, one fifth up or down or the
  relative major/minor 1, and so on; three steps count one.
Unknown tempo or key (the catalog says -1 / NaN) costs a typical step, so it neither attracts nor repels.

The order is a shortest open path from the opening track: nearest neighbour first, then 2-opt (reverse the stretch
that shortens the path most) until nothing improves or a move limit is reached. docs/recommender.md measures it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

ENERGY_UNIT: Final = 0.25
TEMPO_UNIT: Final = float(np.log(1.2))
KEY_UNIT: Final = 3.0
# What an unknown tempo or key costs, in its part's units: a typical step between two random catalog tracks.
UNKNOWN_PART: Final = 1.0
# 2-opt stops after this many moves per track at the latest (it converges far sooner on lists of 20 to 120).
TWO_OPT_MOVES: Final = 4


@dataclass(frozen=True)
class Sound:
    """What the order looks at, per track: energy (0-1), BPM (NaN unknown), pitch class and mode (-1 unknown)."""

    energy: np.ndarray
    tempo: np.ndarray
    key: np.ndarray
    mode: np.ndarray

    def __len__(self) -> int:
        return int(self.energy.shape[0])

    def subset(self, rows: np.ndarray) -> Sound:
        """The sound of some rows, in their order."""
        return Sound(energy=self.energy[rows], tempo=self.tempo[rows], key=self.key[rows], mode=self.mode[rows])


def camelot(key: np.ndarray, mode: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(number 0-11, letter 0 minor 'A' / 1 major 'B') on the Camelot wheel; -1 where key or mode is unknown.

    C major is 8B and A minor 8A; each fifth up is one number on. A minor key sits at its relative major's number.
    """
    key, mode = np.asarray(key, dtype=np.int64), np.asarray(mode, dtype=np.int64)
    major_pc = np.where(mode == 1, key, (key + 3) % 12)
    number = (major_pc * 7 + 7) % 12
    known = (key >= 0) & (mode >= 0)
    return np.where(known, number, -1), np.where(known, mode, -1)


def key_steps(number_a: np.ndarray, letter_a: np.ndarray, number_b: np.ndarray, letter_b: np.ndarray) -> np.ndarray:
    """Camelot steps between keys (around the wheel, plus one to change letter); NaN where either is unknown."""
    around = np.abs(number_a - number_b)
    steps = np.minimum(around, 12 - around) + (letter_a != letter_b)
    return np.where((number_a < 0) | (number_b < 0), np.nan, steps.astype(np.float64))


def tempo_steps(tempo_a: np.ndarray, tempo_b: np.ndarray) -> np.ndarray:
    """|log BPM ratio|, the nearest of same, half and double time; NaN where either is unknown or zero."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(np.log(np.asarray(tempo_a, dtype=np.float64) / np.asarray(tempo_b, dtype=np.float64)))
    steps = np.minimum(ratio, np.abs(ratio - np.log(2.0)))
    return np.where(np.isfinite(steps), steps, np.nan)


def step_parts(sound: Sound, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), 3) energy, tempo and key parts of the steps a[i] -> b[i], each in its unit (unknown -> typical)."""
    number, letter = camelot(sound.key, sound.mode)
    parts = np.stack(
        [
            np.abs(sound.energy[a] - sound.energy[b]) / ENERGY_UNIT,
            tempo_steps(sound.tempo[a], sound.tempo[b]) / TEMPO_UNIT,
            key_steps(number[a], letter[a], number[b], letter[b]) / KEY_UNIT,
        ],
        axis=-1,
    )
    return np.where(np.isnan(parts), UNKNOWN_PART, parts)


def step_costs(sound: Sound) -> np.ndarray:
    """(n, n) symmetric cost of playing track j right after track i (the sum of the three parts)."""
    count = len(sound)
    a, b = np.meshgrid(np.arange(count), np.arange(count), indexing="ij")
    costs: np.ndarray = step_parts(sound, a.ravel(), b.ravel()).sum(axis=1).reshape(count, count)  # sum(axis) is Any
    return costs


def mean_step(sound: Sound, order: np.ndarray | list[int]) -> float:
    """The mean cost between neighbours of an order (0 for fewer than two tracks)."""
    order = np.asarray(order, dtype=np.int64)
    if order.shape[0] < 2:
        return 0.0
    return float(step_parts(sound, order[:-1], order[1:]).sum(axis=1).mean())


def flowing_order(sound: Sound, *, opening: int) -> list[int]:
    """Positions 0..n-1 in playing order: from `opening`, a short path through every track (module docstring)."""
    count = len(sound)
    if count <= 2:
        return [opening, *[i for i in range(count) if i != opening]]
    cost = step_costs(sound)
    order = _nearest_neighbour_path(cost, opening)
    return _two_opt(cost, order)


def _nearest_neighbour_path(cost: np.ndarray, start: int) -> list[int]:
    left = np.ones(cost.shape[0], dtype=bool)
    left[start] = False
    order = [start]
    while left.any():
        here = order[-1]
        nxt = int(np.argmin(np.where(left, cost[here], np.inf)))
        order.append(nxt)
        left[nxt] = False
    return order


def _two_opt(cost: np.ndarray, order: list[int]) -> list[int]:
    """Reverse the stretch order[i..j] (i >= 1: the opening stays first) that shortens the open path most, until
    none does or TWO_OPT_MOVES moves are made; every candidate move is priced at once as an (n, n) array."""
    path = np.asarray(order, dtype=np.int64)
    count = path.shape[0]
    i, j = np.triu_indices(count, k=1)
    keep = i >= 1
    i, j = i[keep], j[keep]
    for _ in range(TWO_OPT_MOVES * count):
        after = np.where(j + 1 < count, path[np.minimum(j + 1, count - 1)], -1)
        tail = after >= 0
        # Reversing path[i..j] swaps edges (i-1, i) + (j, j+1) for (i-1, j) + (i, j+1); the last j has no j+1.
        old = cost[path[i - 1], path[i]] + np.where(tail, cost[path[j], np.maximum(after, 0)], 0.0)
        new = cost[path[i - 1], path[j]] + np.where(tail, cost[path[i], np.maximum(after, 0)], 0.0)
        best = int(np.argmax(old - new))
        if old[best] - new[best] <= 1e-9:
            break
        path[i[best] : j[best] + 1] = path[i[best] : j[best] + 1][::-1]
    return [int(p) for p in path]
