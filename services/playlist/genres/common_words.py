"""Common words of the world's languages: a lone word that is common in some language and in no genre name is an
ordinary word ("raha", "koka", "zitti": words of track titles), not a micro-genre Spotify coined ("makossa",
"schranz" are rare everywhere).

data/common_words.txt.gz lists the words that wordfreq (Robyn Speer, data CC-BY-SA-4.0; built by `pressedplay genres
words`, pipeline/genres/common_words.py) gives a Zipf frequency of at least 2.5 in one of its languages other than
English (English has the text model's vocabulary: spelling.english_words), folded as genre names are folded. The
threshold was chosen on the dev part of the genre check set (docs/genres.md). Held in memory as a sorted array of
8-byte hashes (about 5 MB instead of 70 MB of Python strings), read on first use.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import cache
from pathlib import Path
from typing import Final

import numpy as np

from shared.paths import REPO_ROOT

DEFAULT_COMMON_WORDS_PATH: Final = REPO_ROOT / "data" / "common_words.txt.gz"


def word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


class CommonWords:
    """Membership in the common-word list (a false positive is one in ~30 billion words)."""

    def __init__(self, words: list[str]) -> None:
        self._hashes = np.unique(np.fromiter((word_hash(w) for w in words), dtype=np.uint64, count=len(words)))

    def __len__(self) -> int:
        return int(self._hashes.size)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not self._hashes.size:
            return False
        key = np.uint64(word_hash(word))
        at = int(np.searchsorted(self._hashes, key))
        return at < self._hashes.size and self._hashes[at] == key

    @classmethod
    def read(cls, path: Path = DEFAULT_COMMON_WORDS_PATH) -> CommonWords:
        """The list at path; empty when the file is missing (the rule is then off, as without the text model)."""
        if not path.is_file():
            return cls([])
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return cls(fh.read().split())


@cache
def common_words() -> CommonWords:
    """The shipped list, read once."""
    return CommonWords.read()
