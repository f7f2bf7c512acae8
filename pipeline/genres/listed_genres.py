"""`pressedplay genres listed SOURCE`: data/musicbrainz_genres.txt from a copy of MusicBrainz's genre list
(services/playlist/genres/listed_genres.py says what it is for).

SOURCE is what MusicBrainz's web service answers for /ws/2/genre/all?fmt=json (its pages' "genres" merged into one
JSON object or list), or a CSV of it with a `name` column and the MBID in `id` or `genre_id` (as a URL or bare).
Every row must carry an MBID, so a list that is not MusicBrainz's is refused rather than shipped under its name.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from pipeline.data_errors import DatasetError
from services.playlist.genres.listed_genres import DEFAULT_LISTED_GENRES_PATH
from services.playlist.genres.rules import normalise_genre

MBID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HEADER: Final = (
    "# Genre names of MusicBrainz (https://musicbrainz.org/genres), core data, CC0 1.0 (public domain dedication).",
    "# Folded as genre names are folded (services/playlist/genres/rules.py normalise_genre); see data/README.md.",
)


def _rows(source: Path) -> list[Mapping[str, Any]]:
    text = source.read_text(encoding="utf-8")
    if source.suffix.lower() == ".json":
        data = json.loads(text)
        rows = data.get("genres", []) if isinstance(data, dict) else data
        return [r for r in rows if isinstance(r, dict)]
    return list(csv.DictReader(text.splitlines()))


def musicbrainz_genre_names(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """The folded, sorted, distinct names of MusicBrainz genre rows; DatasetError for a row without an MBID."""
    names: set[str] = set()
    for row in rows:
        mbid = str(row.get("id") or row.get("genre_id") or "")
        name = normalise_genre(str(row.get("name") or ""))
        if not MBID.search(mbid) or not name:
            raise DatasetError(f"not a MusicBrainz genre row (a name and its MBID): {dict(row)!r}")
        names.add(name)
    return sorted(names)


def write_listed_genres(source: Path, path: Path = DEFAULT_LISTED_GENRES_PATH) -> int:
    """Write the names of the MusicBrainz genre export at source to path; returns how many."""
    try:
        rows = _rows(source)
    except (OSError, ValueError) as exc:
        raise DatasetError(f"cannot read the MusicBrainz genre list {source.name}: {exc}") from exc
    names = musicbrainz_genre_names(rows)
    if not names:
        raise DatasetError(f"{source.name} holds no MusicBrainz genres")
    path.write_text("\n".join([*HEADER, *names]) + "\n", encoding="utf-8")
    return len(names)
