"""`pressedplay finetune --feedback DIR` on synthetic feedback: predictions move toward what was served where it
was liked and away where it was disliked, the held-out mood metrics stay within the stated bound of the parent,
the genre look is the parent's, and the new version (with its parent and metrics) lands in the model store."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from PIL import Image

from pipeline.cli import main
from pipeline.feedback.feedback_set import backbone_pass
from services.feedback.export import to_table
from services.feedback.ratings import new_rating
from services.inference.model.checkpoint import load_checkpoint
from services.inference.model.predictor import Predictor
from shared.features import AudioFeatures, denormalise
from shared.paths import REPO_ROOT
from shared.photo_reading import PhotoMood

pytestmark = pytest.mark.slow
MODEL = REPO_ROOT / "models" / "effnet-vae.pt"
BOUND = 0.15  # held-out mood MAE may rise at most this much per dimension (the command's default)


def photo(rng: np.random.Generator) -> Image.Image:
    """A smooth random colour field with a bright or dark blob: varied enough to read different moods."""
    small = rng.integers(0, 256, size=(4, 4, 3), dtype=np.uint8)
    image = Image.fromarray(small).resize((160, 160), Image.Resampling.BILINEAR)
    blob = Image.new("RGB", (60, 60), tuple(int(v) for v in rng.integers(0, 256, 3)))
    image.paste(blob, (int(rng.integers(0, 100)), int(rng.integers(0, 100))))
    return image


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def predictor() -> Predictor:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing (it is committed)")
    return Predictor.load(MODEL, device="cpu")


def test_finetune_moves_toward_liked_and_away_from_disliked_within_the_bound(
    predictor: Predictor, tmp_path: Path
) -> None:
    rng = np.random.default_rng(12)
    # The original rated photos: rated near what the parent reads, with noise (people disagree with it a little).
    affect = tmp_path / "affect"
    (affect / "images").mkdir(parents=True)
    originals = [photo(rng) for _ in range(40)]
    rows = ["file,valence,arousal"]
    for i, (image, read) in enumerate(zip(originals, predictor.predict(originals), strict=True)):
        assert read.mood is not None
        image.save(affect / "images" / f"{i}.jpg", quality=90)
        v, a = np.clip(np.array([read.mood.valence, read.mood.arousal]) + rng.normal(0, 0.4, 2), 1, 9)
        rows.append(f"{i}.jpg,{v:.3f},{a:.3f}")
    (affect / "ratings.csv").write_text("\n".join(rows) + "\n")

    # Feedback on playlists served by an older version: liked where it read the photo differently from the
    # parent (the parent should move toward that), disliked where it read it nearly as the parent does.
    photos = [photo(rng) for _ in range(24)]
    reads = predictor.predict(photos)
    parent_mood = np.array([[r.mood.valence, r.mood.arousal] for r in reads if r.mood is not None])
    liked = np.arange(24) < 12
    served = np.clip(parent_mood + np.where(liked[:, None], [1.2, -1.0], [0.2, 0.1]), 1.5, 8.5)
    _, mixture = backbone_pass(predictor, photos)
    mapping = predictor.checkpoint.feature_mapping
    assert mapping is not None
    served_features = denormalise(np.clip(mapping.compose(mixture, served), 0, 1))
    ratings = [
        new_rating(
            playlist_id=f"p{i}",
            rating=1 if liked[i] else -1,
            features=AudioFeatures.from_vector(served_features[i]),
            mood=PhotoMood(valence=float(served[i, 0]), arousal=float(served[i, 1])),
            genre_look=reads[i].genre_look,
            model_version="effnet-vae-older",
            track_ids=["t"],
            session=f"s{i}",
            photo=jpeg(photos[i]),
        )
        for i in range(24)
    ]
    export = tmp_path / "export"
    export.mkdir()
    from datetime import UTC, datetime

    pq.write_table(to_table(ratings, exported_at=datetime.now(UTC)), export / "ratings-00000.parquet")

    out, store = tmp_path / "child.pt", tmp_path / "store"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        args = ["finetune", "--feedback", str(export), "--model", str(MODEL), "--affect", str(affect)]
        code = main([*args, "--out", str(out), "--publish", str(store), "--cache-dir", str(tmp_path / "cache")])
    assert code == 0
    answer = json.loads(printed.getvalue())
    metrics = answer["metrics"]
    moved = metrics["distance_to_served"]
    for space in ("mood", "features"):
        assert moved["liked"]["child"][space] < moved["liked"]["parent"][space], moved
        assert moved["disliked"]["child"][space] > moved["disliked"]["parent"][space], moved
    held = metrics["held_out_mood"]
    for dim in ("valence", "arousal"):
        assert held["child"][f"{dim}_mae"] <= held["parent"][f"{dim}_mae"] + BOUND, held

    child = load_checkpoint(out)
    assert child.version == answer["version"] != predictor.version
    assert child.training["mood"]["parent"] == predictor.version == child.training["parent"]
    assert child.metrics["feedback_finetune"]["feedback"] == {"ratings": 24, "liked": 12, "disliked": 12}
    card = json.loads((store / f"{child.version}.json").read_text())
    assert card["parent"] == predictor.version and (store / f"{child.version}.pt").exists()

    # The genre look is the parent's exactly; the mood is not.
    again = Predictor.load(out, device="cpu").predict(photos[:4])
    for before, after in zip(reads[:4], again, strict=True):
        assert before.genre_look is not None and after.genre_look is not None
        assert np.allclose(list(before.genre_look.values()), list(after.genre_look.values()), atol=1e-6)
    assert any(b.mood != a.mood for b, a in zip(reads[:4], again, strict=True))
    assert all(a.model_version == child.version for a in again)
