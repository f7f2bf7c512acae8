"""`pressedplay feedback export` pages through a real DynamoDB-API server's table (more than one page) into
Parquet, deletes only when asked and only what it exported; `pressedplay feedback report` gives the like rate per
model version with its interval and a PNG."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.feedback.report import like_rates, wilson
from services.feedback.adapters.dynamodb_store import DynamoRatingStore
from services.feedback.export import read_export
from services.feedback.ratings import new_rating
from shared.features import AudioFeatures
from shared.photo_reading import PhotoMood

pytestmark = pytest.mark.integration
FEATURES = AudioFeatures(
    acousticness=0.25,
    danceability=0.5,
    energy=0.125,
    instrumentalness=0.0,
    liveness=0.3,
    loudness=-7.25,
    speechiness=0.04,
    valence=0.9,
)
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
# (model version, likes, dislikes): 11 ratings, so a page size of 4 means three pages.
VERSIONS = (("effnet-vae-a", 2, 4), ("effnet-vae-b", 4, 1))


def pressedplay(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pipeline.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env}, timeout=120, check=False)


@pytest.mark.anyio
async def test_export_pages_through_the_table_and_report_gives_the_like_rate_per_version(
    dynamodb_service: str, tmp_path: Path
) -> None:
    table = f"export-{uuid.uuid4().hex[:8]}"
    store = DynamoRatingStore(table=table, region="us-east-1", endpoint_url=dynamodb_service)
    made = 0
    for version, likes, dislikes in VERSIONS:
        for value in [1] * likes + [-1] * dislikes:
            rating = new_rating(
                playlist_id=f"p{made}",
                rating=value,  # type: ignore[arg-type]
                features=FEATURES,
                model_version=version,
                track_ids=["t1", "t2"],
                session=f"s{made}",
                mood=PhotoMood(valence=6.0, arousal=4.0),
                genre_look={"Pop": 0.5, "Rock": 0.5},
                photo=b"\xff\xd8photo",
                now=T0 + timedelta(minutes=made),
            )
            await store.put(rating)
            made += 1
    env = {
        "FEEDBACK_STORE": "dynamodb",
        "FEEDBACK_DYNAMODB_TABLE": table,
        "FEEDBACK_DYNAMODB_ENDPOINT_URL": dynamodb_service,
        "FEEDBACK_PHOTO_STORE": str(tmp_path / "photos"),
    }
    out = tmp_path / "export"
    done = pressedplay("feedback", "export", "--out", str(out), "--page-size", "4", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"count": made, "files": 3, "deleted": 0, "out": str(out)}
    exported = read_export(out)
    assert exported.num_rows == made and len({*exported.column("rating_id").to_pylist()}) == made
    assert exported.column_names[:6] == ["cover", "features", "genre", "release_id", "split", "track_id"]
    first = exported.slice(0, 1).to_pylist()[0]
    assert first["cover"] == b"\xff\xd8photo" and first["valence"] == 6.0 and len(first["features"]) == 8
    assert len(await store.scan(limit=100)) and len((await store.scan(limit=100))[0]) == made  # nothing deleted

    rates = {r.model_version: r for r in like_rates(exported)}
    assert (rates["effnet-vae-a"].likes, rates["effnet-vae-a"].ratings) == (2, 6)
    assert (rates["effnet-vae-b"].likes, rates["effnet-vae-b"].ratings) == (4, 5)
    assert (rates["effnet-vae-b"].low, rates["effnet-vae-b"].high) == wilson(4, 5)
    report = pressedplay("feedback", "report", str(out), "--json", env=env)
    assert report.returncode == 0, report.stderr
    answer = json.loads(report.stdout)
    assert [v["model_version"] for v in answer["versions"]] == ["effnet-vae-a", "effnet-vae-b"]
    assert Path(answer["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    deleted = pressedplay("feedback", "export", "--out", str(tmp_path / "again"), "--delete", env=env)
    assert json.loads(deleted.stdout)["deleted"] == made
    assert (await store.scan(limit=100))[0] == []
    assert pq.read_table(tmp_path / "again" / "ratings-00000.parquet").num_rows == made
    await store.close()


def test_wilson_interval_matches_known_values() -> None:
    low, high = wilson(4, 5)
    assert round(low, 4) == 0.3755 and round(high, 4) == 0.9638
    assert wilson(0, 0) == (0.0, 1.0)
