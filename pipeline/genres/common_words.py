"""`pressedplay genres words`: data/common_words.txt.gz from wordfreq's word lists (services/playlist/genres/
common_words.py says what it is for). Needs the wordfreq package (a dev dependency); the product reads the file only.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Final

from services.playlist.genres.common_words import DEFAULT_COMMON_WORDS_PATH
from services.playlist.genres.rules import normalise_genre

# Chosen on the dev part of data/genre_check.csv: 2.0, 2.5 and 3.0 refuse the same names there; 2.5 is the middle.
MIN_ZIPF: Final = 2.5
# English has its own dictionary (the text model's vocabulary); Japanese, Chinese and Korean need tokenisers
# wordfreq does not bring, and their names are read by the place rules.
SKIPPED: Final = frozenset({"en", "ja", "zh", "ko"})
MIN_LETTERS: Final = 3


def common_word_list(*, min_zipf: float = MIN_ZIPF) -> list[str]:
    """Words with a Zipf frequency >= min_zipf in some wordfreq language (small lists), folded, Latin letters only
    (genre names are written in Latin letters)."""
    import wordfreq

    floor = 10 ** (min_zipf - 9)  # Zipf = log10(frequency per billion words)
    words: set[str] = set()
    for lang in sorted(wordfreq.available_languages(wordlist="small")):
        if lang in SKIPPED:
            continue
        for word, freq in wordfreq.get_frequency_dict(lang, wordlist="small").items():
            folded = normalise_genre(word)
            if freq >= floor and folded.isascii() and folded.isalpha() and len(folded) >= MIN_LETTERS:
                words.add(folded)
    return sorted(words)


def write_common_words(path: Path = DEFAULT_COMMON_WORDS_PATH) -> int:
    """Write the list (one word a line, gzip, reproducible bytes); returns how many words."""
    words = common_word_list()
    data = ("\n".join(words) + "\n").encode("utf-8")
    with path.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(data)
    return len(words)
