"""Does an album's list move with its photos? Albums of rated photos ordered from saddest to happiest (by people's
valence), each made into one list; per album:

- rise: Spearman between the photos' places and their tracks' mean valence (1.0: every photo's part is happier than
  the one before);
- own: the share of tracks closer (weighted distance in the recommender's space) to their own photo's target than
  to every other photo's;
- the listener rules over the whole list: a song twice, an artist over the cap, a holiday song unasked.

Albums are drawn so their photos span the rated range: photo k of K is drawn from the k-th of K equal bands of
people's valence (a seeded draw), so "saddest to happiest" is a real order, not noise between near-equal photos.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from pipeline.evaluation.photo_readings import PhotoReadings
from pipeline.mood.fit import spearman
from services.playlist.recommend.album import recommend_album
from services.playlist.recommend.credits import song_title
from services.playlist.recommend.recommender import Recommender
from shared.features import AudioFeatures
from shared.recommendation import AlbumRequest, Recommendation

DEFAULT_ALBUM_REQUESTS: Final = ("", "pop,rock", "jazz", "indie,electronic")


@dataclass(frozen=True)
class AlbumCheck:
    """One album's numbers."""

    rise: float
    own: float
    repeats: int
    crowded: int
    distance: float


def draw_albums(valence: np.ndarray, *, photos: int, albums: int, seed: int) -> list[list[int]]:
    """`albums` lists of `photos` row numbers, saddest first: photo k from the k-th valence band (rated rows only)."""
    rated = np.flatnonzero(~np.isnan(valence))
    if rated.shape[0] < photos:
        raise ValueError(f"an album of {photos} needs {photos} rated photos, {rated.shape[0]} are rated")
    bands = np.array_split(rated[np.argsort(valence[rated], kind="stable")], photos)
    rng = np.random.default_rng(seed)
    return [[int(rng.choice(band)) for band in bands] for _ in range(albums)]


def check_album(recommender: Recommender, album: Recommendation, *, max_per_artist: int) -> AlbumCheck:
    """The rise, own share and listener rules of one album's list (its `targets` are the photos' targets)."""
    assert album.targets is not None, "an album's recommendation names each photo's target"
    photos = len(album.targets)
    # A part the catalog could not fill counts as no rise (NaN fails every comparison).
    valence = [_mean([t.features.valence for t in album.tracks if t.photo == k]) for k in range(photos)]
    targets = np.stack([recommender.to_space(t.to_vector()) for t in album.targets])
    own = 0
    for track in album.tracks:
        vector = recommender.to_space(track.features.to_vector())
        distances = np.linalg.norm(targets - vector, axis=1)
        own += int(track.photo is not None and int(np.argmin(distances)) == track.photo)
    songs = Counter(song_title(t.name) for t in album.tracks)
    artists = Counter(t.artist for t in album.tracks)
    return AlbumCheck(
        rise=spearman(np.arange(photos, dtype=np.float64), np.asarray(valence)),
        own=own / max(len(album.tracks), 1),
        repeats=sum(count - 1 for count in songs.values()),
        crowded=sum(1 for count in artists.values() if count > max_per_artist),
        distance=float(np.mean([t.distance for t in album.tracks])),
    )


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else float("nan")


def run_album_audit(
    recommender: Recommender,
    readings: PhotoReadings,
    requests: list[str],
    *,
    photos: int = 6,
    albums: int = 20,
    per_photo: int = 3,
    seed: int = 0,
) -> dict[str, Any]:
    """Every request over the same drawn albums: each check's mean and worst, and the share of albums meeting the
    bounds (rise >= 0.8, own >= 0.8)."""
    drawn = draw_albums(readings.human_valence, photos=photos, albums=albums, seed=seed)
    report: dict[str, Any] = {"photos": photos, "albums": albums, "n": photos * per_photo, "requests": {}}
    for text in requests:
        checks = []
        for rows in drawn:
            request = AlbumRequest(
                photos=[AudioFeatures.from_vector(readings.features[row]) for row in rows],
                genres={g: 1.0 for g in text.split(",") if g} or None,
                n=photos * per_photo,
            )
            album = recommend_album(recommender, request)
            checks.append(check_album(recommender, album, max_per_artist=request.max_per_artist))
        rise = np.array([c.rise for c in checks])
        own = np.array([c.own for c in checks])
        report["requests"][text or "(any genre)"] = {
            "rise_mean": round(float(rise.mean()), 3),
            "rise_min": round(float(rise.min()), 3),
            "albums_rising": round(float((rise >= 0.8).mean()), 3),
            "own_mean": round(float(own.mean()), 3),
            "own_min": round(float(own.min()), 3),
            "distance": round(float(np.mean([c.distance for c in checks])), 3),
            "repeats": int(sum(c.repeats for c in checks)),
            "crowded": int(sum(c.crowded for c in checks)),
        }
    return report


def render_album_audit(report: dict[str, Any]) -> str:
    """The report as a table a person reads."""
    lines = [
        f"{report['albums']} albums of {report['photos']} rated photos, saddest to happiest; {report['n']} tracks each",
        f"{'request':<20} {'rise mean':>9} {'rise min':>8} {'rising':>7} {'own mean':>8} {'own min':>7} "
        f"{'distance':>8} {'twice':>5} {'crowded':>7}",
    ]
    for name, row in report["requests"].items():
        lines.append(
            f"{name:<20} {row['rise_mean']:>9.3f} {row['rise_min']:>8.3f} {row['albums_rising']:>7.2f} "
            f"{row['own_mean']:>8.3f} {row['own_min']:>7.3f} {row['distance']:>8.3f} {row['repeats']:>5} "
            f"{row['crowded']:>7}"
        )
    lines.append("rise: Spearman of photo place vs its tracks' mean valence; rising: share of albums >= 0.8;")
    lines.append("own: share of tracks closest to their own photo's target; distance: mean track distance to it")
    return "\n".join(lines)
