"""The audit over every request, as JSON-safe figures and as text a person reads (bounds of issue 19 beside them)."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from pipeline.evaluation.listener_checks import GenreJudge
from pipeline.evaluation.photo_readings import PhotoReadings, sample_rows
from pipeline.evaluation.playlist_audit import MOOD_REQUEST, audit_request, mood_figures
from services.playlist.recommend.recommender import Recommender
from shared.features import AUDIO_FEATURES
from shared.recommendation import Recommendation

SHOW_WIDTH: Final = 44
SHOWN: Final = ("valence", "energy", "acousticness")


def run_audit(
    recommender: Recommender,
    readings: PhotoReadings,
    requests: list[str],
    *,
    judge: GenreJudge,
    count: int,
    n: int,
    seed: int = 0,
    show: int = 0,
) -> dict[str, Any]:
    """Audit every request over the same `count` photos; the mood request is added when it is not asked."""
    rows = sample_rows(readings, count, seed=seed)
    per_request: list[dict[str, Any]] = []
    lists_by_request: dict[str, list[Recommendation]] = {}
    for genres in dict.fromkeys([*requests, MOOD_REQUEST]):
        audit, lists = audit_request(recommender, readings, rows, genres, judge=judge, n=n)
        lists_by_request[genres] = lists
        if genres in requests:
            per_request.append(audit.summary())
    judged = sum(r["judged_tracks"] for r in per_request)
    faithful = sum((r["fidelity"] or 0.0) * r["judged_tracks"] for r in per_request)
    report: dict[str, Any] = {
        "photos": len(rows),
        "model_version": readings.model_version,
        "unreadable_photos": list(readings.unreadable),
        "n": n,
        "overall_fidelity": faithful / judged if judged else None,
        "requests": per_request,
        "mood": mood_figures(readings, rows, lists_by_request[MOOD_REQUEST]),
    }
    if show:
        report["shown"] = _shown(readings, rows, lists_by_request, show)
    return report


def _shown(
    readings: PhotoReadings, rows: np.ndarray, lists: dict[str, list[Recommendation]], show: int
) -> list[dict[str, Any]]:
    """`show` photos spread over predicted valence, with each request's list (for reading side by side)."""
    valence = readings.features[rows, AUDIO_FEATURES.index("valence")]
    picks = np.argsort(valence)[np.linspace(0, len(rows) - 1, min(show, len(rows))).astype(int)]
    return [
        {
            "photo": str(readings.files[rows[i]]),
            "features": {
                name: round(float(readings.features[rows[i], AUDIO_FEATURES.index(name)]), 3) for name in SHOWN
            },
            "lists": {genres: [f"{t.artist} - {t.name}" for t in recs[i].tracks] for genres, recs in lists.items()},
        }
        for i in picks
    ]


def render(report: dict[str, Any]) -> str:
    """Plain text: one line per request, then the totals and the mood figures."""
    lines = [
        f"{report['photos']} photos x {len(report['requests'])} requests, n={report['n']}, model "
        f"{report['model_version']}",
        f"{'request':<20} {'fidelity':>8} {'holiday':>7} {'twice':>5} {'missing':>7} {'crowded':>7} "
        f"{'step list/search/random':>24} {'take overlap':>12} {'take dist':>9} {'top share':>9}",
    ]
    for r in report["requests"]:
        fidelity = "-" if r["fidelity"] is None else f"{r['fidelity']:.3f}"
        step = r["mean_step"]
        lines.append(
            f"{r['request']:<20} {fidelity:>8} {r['holiday_lists']:>7} {r['repeated_song_lists']:>5} "
            f"{r['missing_genre_lists']:>7} {r['crowded_lists']:>7} "
            f"{step['list']:>8.2f}/{step['search']:.2f}/{step['random']:.2f} "
            f"{r['take_overlap']['max']:>12.2f} {r['take_distance_ratio']['mean']:>9.3f} "
            f"{r['most_frequent_track_share']:>9.2f}"
        )
    overall = report["overall_fidelity"]
    lines.append(
        "overall fidelity " + ("-" if overall is None else f"{overall:.3f}") + " (bounds: >= 0.90 overall, >= 0.80 "
        "per request; 0 lists with an unasked holiday song, a song twice, a missing genre or an artist > 2; "
        "take overlap <= 0.30 and distance within 10%; list step below search and random)"
    )
    mood = report["mood"]
    lines.append(
        f"mood ({MOOD_REQUEST}): mean pairwise overlap {mood['mean_pairwise_overlap']:.3f} (bound <= 0.10)"
        + (
            f", list valence vs people's Spearman {mood['valence_spearman']:.3f} (bound >= 0.55)"
            if "valence_spearman" in mood
            else ""
        )
    )
    for shown in report.get("shown", []):
        lines.append(f"\n{shown['photo']}  {shown['features']}")
        for genres, tracks in shown["lists"].items():
            lines.append(f"  [{genres}] " + " | ".join(t[:SHOW_WIDTH] for t in tracks))
    return "\n".join(lines)
