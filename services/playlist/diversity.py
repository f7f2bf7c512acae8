"""Re-ranking a candidate pool into a playlist: MMR diversity, a per-artist cap, and no repeated titles."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

import numpy as np

# "Song - Remastered 2011", "Song (feat. X)", "Song [Live]" are the same song to a listener.
_SUFFIX = re.compile(r"\s+-\s+.*$")
_BRACKETS = re.compile(r"[\(\[\{].*?[\)\]\}]")
_FEAT = re.compile(r"\b(feat|ft|featuring)\.?\s.*$")
_NON_WORD = re.compile(r"[^\w]+")


def title_key(name: str, artist: str) -> tuple[str, str]:
    """What makes two catalog rows 'the same song by the same artist' for de-duplication."""

    def fold(text: str) -> str:
        return unicodedata.normalize("NFKC", text).casefold().strip()

    base = _FEAT.sub("", _BRACKETS.sub("", _SUFFIX.sub("", fold(name))))
    base = _NON_WORD.sub(" ", base).strip() or fold(name)
    return base, artist_key(artist)


def artist_key(artist: str) -> str:
    """Artist identity for the per-artist cap (case and spacing ignored)."""
    return " ".join(unicodedata.normalize("NFKC", artist).casefold().split())


def mmr_select(
    *,
    scores: np.ndarray,
    vectors: np.ndarray,
    n: int,
    diversity: float,
    artist_codes: np.ndarray,
    title_codes: np.ndarray,
    max_per_artist: int,
    taken_artists: Counter[int] | None = None,
    taken_titles: set[int] | None = None,
) -> list[int]:
    """Positions of up to n candidates chosen greedily by MMR.

    Each step picks the eligible candidate minimising (1 - diversity) * score - diversity * (distance to the nearest
    already-chosen track): diversity 0 is pure relevance, higher values trade closeness for spread. Scores and
    vectors share the same distance units. Artists and titles come as integer codes (equal code = same artist, same
    song); `taken_*` count what an earlier pass already chose. Ties go to the lower position.
    """
    count = scores.shape[0]
    artist_counts: Counter[int] = Counter(taken_artists or {})
    eligible = ~np.isin(title_codes, np.fromiter(taken_titles or (), dtype=np.int64))
    full = [code for code, used in artist_counts.items() if used >= max_per_artist]
    eligible &= ~np.isin(artist_codes, np.asarray(full, dtype=np.int64))
    nearest = np.zeros(count, dtype=np.float64)
    lam = 1.0 - diversity
    relevance = lam * scores
    # Squared distances as |a|^2 - 2 a.b + |b|^2: one matrix-vector product per step instead of a pool-sized copy.
    norms = np.einsum("ij,ij->i", vectors, vectors)
    chosen: list[int] = []
    while len(chosen) < n:
        value = np.where(eligible, relevance - diversity * nearest, np.inf)
        pick = int(np.argmin(value))
        if not eligible[pick]:
            break  # every remaining value is inf: nothing left to choose
        chosen.append(pick)
        artist = int(artist_codes[pick])
        artist_counts[artist] += 1
        eligible[pick] = False
        if artist_counts[artist] >= max_per_artist:
            eligible &= artist_codes != artist
        eligible &= title_codes != title_codes[pick]
        if diversity > 0:
            step = np.sqrt(np.maximum(norms - 2.0 * (vectors @ vectors[pick]) + norms[pick], 0.0))
            nearest = step if len(chosen) == 1 else np.minimum(nearest, step)
    return chosen


def encode(keys: list[Any]) -> np.ndarray:
    """Integer codes for hashable keys: equal keys get equal codes (first seen, first code)."""
    codes: dict[Any, int] = {}
    return np.fromiter((codes.setdefault(key, len(codes)) for key in keys), dtype=np.int64, count=len(keys))
