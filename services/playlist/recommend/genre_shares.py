"""How many tracks each requested genre gets: its share of the list by weight, and at least one while n allows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def share_quotas(weights: Sequence[float], n: int) -> np.ndarray:
    """Tracks per genre (same order as `weights`, summing to n): n x weight rounded by largest remainder, each at
    least one when n is at least the number of genres; else the n heaviest get one each (earlier wins a tie)."""
    share = np.asarray(weights, dtype=np.float64)
    count = share.shape[0]
    if count == 0 or n <= 0:
        return np.zeros(count, dtype=np.int64)
    share = share / share.sum()
    if n < count:
        top = np.zeros(count, dtype=np.int64)
        top[np.argsort(-share, kind="stable")[:n]] = 1
        return top
    ideal = share * n
    quotas: np.ndarray = np.maximum(np.floor(ideal).astype(np.int64), 1)
    while quotas.sum() > n:  # the floor of one made room for another's minimum: take from the most over its share
        over = np.where(quotas > 1, quotas - ideal, -np.inf)
        quotas[int(np.argmax(over))] -= 1
    while quotas.sum() < n:
        quotas[int(np.argmax(ideal - quotas))] += 1
    return quotas
