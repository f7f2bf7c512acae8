"""The offline quality evaluation runs end to end and shows the recommender beating its random baselines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.evaluation.recommender_quality import evaluate
from shared.features import AUDIO_FEATURES


def clustered_catalog(path: Path, *, size: int = 400) -> Path:
    """Tracks whose features cluster by genre, so features carry genre information as real music does."""
    rng = np.random.default_rng(3)
    centres = {"pop": 0.75, "rock": 0.5, "jazz": 0.25}
    rows = []
    for i in range(size):
        genre = list(centres)[i % 3]
        values = np.clip(rng.normal(centres[genre], 0.08, size=len(AUDIO_FEATURES)), 0, 1)
        features = dict(zip(AUDIO_FEATURES, values.tolist(), strict=True))
        features["loudness"] = -40.0 + 40.0 * features["loudness"]
        rows.append(
            {"track_id": f"q{i}", "name": f"Song {i}", "artist": f"Artist {i % 90}", "genres": [genre]} | features
        )
    pd.DataFrame.from_records(rows).to_parquet(path)
    return path


def test_held_out_evaluation_beats_random_baselines(tmp_path: Path) -> None:
    report = evaluate(catalog_path=clustered_catalog(tmp_path / "c.parquet"), queries=30, n=10, seed=0)
    results = report["results"]
    default = results["genre filter, diversity 0.3 (default)"]
    assert report["queries"] == 30 and report["tracks"] == 370
    assert default["genre_precision"] == 1.0
    assert default["mean_distance"] < 0.8 * results["random within genre"]["mean_distance"]
    assert (
        results["features only, diversity 0.3"]["genre_precision"] > results["random from catalog"]["genre_precision"]
    )
    assert (
        results["genre filter, diversity 0.7"]["intra_list_distance"]
        > results["genre filter, diversity 0"]["intra_list_distance"]
    )
    assert default["max_tracks_per_artist"] <= 2 and 0 < default["coverage"] <= 1
    assert "| genre filter, diversity 0.3 (default) | 1.000 |" in report["table"]
