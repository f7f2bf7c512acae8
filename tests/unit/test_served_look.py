"""`pressedplay look score`: the served genre look on held-out covers as their files are, counted per label and per
cover; and the encoded-input cache keyed by the backbone's weights, so one model's maps never score another."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import torch
from PIL import Image

from pipeline.cli import main
from pipeline.data.examples import encoder_digest
from pipeline.data_errors import DatasetError
from pipeline.evaluation.served_look import served_look, split_releases
from services.inference.model.architectures import EffnetVAE, build_model
from services.inference.model.predictor import Predictor
from shared.errors import InvalidInput
from tests.unit.model_fixtures import mood_checkpoint, random_checkpoint, write_cover_folders


@pytest.fixture(scope="module")
def predictor(tmp_path_factory: pytest.TempPathFactory) -> Predictor:
    return Predictor.load(mood_checkpoint(tmp_path_factory.mktemp("model") / "m.pt"), device="cpu", backend="eager")


@pytest.fixture(scope="module")
def covers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Genre folders plus an index that files every test release under a second genre too."""
    root = write_cover_folders(tmp_path_factory.mktemp("covers"), per_genre=20)
    rows = []
    for genre_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for image in sorted(genre_dir.iterdir()):
            release = image.name.split("-")[1]
            rows.append((f"{genre_dir.name}/{image.name}", genre_dir.name, release))
    with (root / "index.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "genre", "discogs_release_id"])
        writer.writerows(rows)
    return root


def _with_second_genre(covers: Path, out: Path) -> Path:
    """The same covers, every release also filed under Pop."""
    shutil.copytree(covers, out)
    with (out / "index.csv").open() as handle:
        rows = list(csv.reader(handle))[1:]
    with (out / "index.csv").open("a", newline="") as handle:
        csv.writer(handle).writerows([path, "Pop", release] for path, _, release in rows)
    return out


def test_the_score_is_the_served_prediction_of_each_held_out_cover(predictor: Predictor, covers: Path) -> None:
    result = served_look(predictor, covers, split="test")
    test = split_releases(covers, split="test")
    assert result.covers == len(test) == result.labels > 0
    hits = 0
    for release in test:
        with Image.open(release.path) as opened:
            look = predictor.predict([opened.convert("RGB")])[0].genre_look
        assert look is not None
        hits += max(look, key=look.__getitem__) in release.genres
    assert result.top1_per_label == result.top1_per_cover == pytest.approx(hits / len(test))
    assert result.model_version == predictor.version and result.split == "test"


def test_a_release_under_two_genres_is_two_labels_and_one_cover(
    predictor: Predictor, covers: Path, tmp_path: Path
) -> None:
    single = served_look(predictor, covers, split="test")
    double = served_look(predictor, _with_second_genre(covers, tmp_path / "two"), split="test")
    assert double.covers == single.covers and double.labels == 2 * single.covers
    # One guess a cover: naming either genre is a hit for the cover, and at most one of its two labels.
    assert double.top1_per_cover >= single.top1_per_cover
    assert double.top1_per_label == pytest.approx(double.top1_per_cover / 2)


def test_a_model_without_a_genre_look_or_covers_without_its_genres_is_refused(
    predictor: Predictor, covers: Path, tmp_path: Path
) -> None:
    plain = Predictor.load(random_checkpoint(tmp_path / "plain.pt"), device="cpu", backend="eager")
    with pytest.raises(InvalidInput, match="no genre look"):
        served_look(plain, covers)
    other = tmp_path / "jazz"
    (other / "Jazz").mkdir(parents=True)
    shutil.copy(next((covers / "Rock").iterdir()), other / "Jazz" / "R-1-cover.jpg")
    with pytest.raises(DatasetError, match="no test covers"):
        served_look(predictor, other)


def test_look_score_prints_the_numbers(
    predictor: Predictor, covers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = mood_checkpoint(tmp_path / "m.pt")
    assert main(["look", "score", str(model), "--covers", str(covers), "--split", "val", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["split"] == "val" and printed["covers"] == len(split_releases(covers, split="val"))
    assert 0.0 <= printed["top1_per_label"] <= 1.0
    assert main(["look", "score", str(model), "--covers", str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_input_cache_is_keyed_by_the_backbone_weights() -> None:
    torch.manual_seed(0)
    parent, same = build_model("effnet-vae", pretrained=False), build_model("effnet-vae", pretrained=False)
    same.load_state_dict(parent.state_dict())
    assert isinstance(same, EffnetVAE)
    assert encoder_digest(parent) == encoder_digest(same) != ""
    with torch.no_grad():
        next(same.backbone.parameters()).add_(1e-3)  # a fine-tune moved one weight
    assert encoder_digest(same) != encoder_digest(parent)
    assert encoder_digest(build_model("seed-cnn", pretrained=False)) == ""  # its cache holds pixels
