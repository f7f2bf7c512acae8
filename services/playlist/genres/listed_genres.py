"""Genre names a cited, independent source lists: a name MusicBrainz lists as a genre is a genre, however far the
text model's neighbours are ("makossa", "schranz", "powerviolence", "red dirt" are on it; so are the names of
older and traditional forms Every Noise lacks, "ars subtilior", "sarum chant").

data/musicbrainz_genres.txt holds the names of MusicBrainz's genre list (core data, CC0), folded as genre names are
folded, one a line, after a few "#" lines that say where it came from (data/README.md; rebuilt by `pressedplay
genres listed SOURCE`, pipeline/genres/listed_genres.py). The list says only that a name is a genre: which seed
genre it is stays the neighbours' (or the rules') answer (services/playlist/genres/mapping.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

from services.playlist.genres.rules import normalise_genre
from shared.paths import REPO_ROOT

DEFAULT_LISTED_GENRES_PATH: Final = REPO_ROOT / "data" / "musicbrainz_genres.txt"


def read_listed_genres(path: Path = DEFAULT_LISTED_GENRES_PATH) -> frozenset[str]:
    """The folded names at path; empty when the file is missing (the rule is then off, as without the text model)."""
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(normalise_genre(line) for line in lines if line.strip() and not line.startswith("#"))


@cache
def listed_genres() -> frozenset[str]:
    """The shipped list, read once."""
    return read_listed_genres()
