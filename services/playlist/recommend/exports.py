"""A recommendation as a file: JSON, M3U8 (open.spotify.com links, playable by clicking), or CSV."""

from __future__ import annotations

import csv
import io
from typing import Final

from shared.features import AUDIO_FEATURES
from shared.recommendation import Recommendation

CSV_COLUMNS: Final[tuple[str, ...]] = (
    "position",
    "id",
    "uri",
    "url",
    "name",
    "artist",
    "album",
    "release_date",
    "duration_ms",
    "genres",
    *AUDIO_FEATURES,
    "distance",
    "why",
    # An album's: the index of the photo the track was chosen for (as in the API's `photos`); empty for one photo.
    "photo",
)


def to_json(rec: Recommendation) -> str:
    """The recommendation as indented JSON (the same shape the API returns)."""
    return rec.model_dump_json(indent=2)


def _extinf_text(text: str) -> str:
    # An EXTINF title ends at the line; a newline inside a track name would start a bogus entry.
    return " ".join(text.split())


def to_m3u8(rec: Recommendation, *, title: str = "PRESSED / PLAY") -> str:
    """Extended M3U (UTF-8): one #EXTINF line (seconds, 'artist - name') and one open.spotify.com URL per track."""
    lines = ["#EXTM3U", f"#PLAYLIST:{_extinf_text(title)}"]
    for track in rec.tracks:
        seconds = round(track.duration_ms / 1000) if track.duration_ms > 0 else -1
        lines.append(f"#EXTINF:{seconds},{_extinf_text(track.artist)} - {_extinf_text(track.name)}")
        lines.append(track.url)
    return "\n".join(lines) + "\n"


# A cell starting with one of these runs as a formula when the CSV is opened in a spreadsheet (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _defuse(text: str) -> str:
    """Text a spreadsheet will show as text: a leading formula character gets a quote before it (OWASP)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def to_csv(rec: Recommendation) -> str:
    """One row per track: ids, names, genres (';'-joined), the 8 raw features, distance, why and (an album's) photo."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for position, track in enumerate(rec.tracks, start=1):
        row: dict[str, object] = {
            "position": position,
            "id": track.id,
            "uri": track.uri,
            "url": track.url,
            "name": _defuse(track.name),
            "artist": _defuse(track.artist),
            "album": _defuse(track.album) if track.album else track.album,
            "release_date": track.release_date,
            "duration_ms": track.duration_ms,
            "genres": ";".join(track.genres),
            "distance": track.distance,
            "why": _defuse(track.why),
            "photo": "" if track.photo is None else track.photo,
        }
        row.update(track.features.model_dump())
        writer.writerow(row)
    return buffer.getvalue()
