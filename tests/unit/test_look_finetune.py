"""`pressedplay look finetune|pack` on tiny synthetic covers, on the CPU (the real run is a GPU job)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from pipeline.cli import main
from pipeline.training.look_finetune import FinetuneConfig, augment, finetune_look, load_covers
from services.inference.model.architectures import EffnetVAE
from services.inference.model.checkpoint import load_checkpoint
from services.inference.model.predictor import Predictor
from tests.unit.model_fixtures import LOOK_GENRES, mood_checkpoint

COLOURS = {"Country": (200, 150, 60), "Electronic": (40, 60, 220), "Rock": (30, 30, 30)}


@pytest.fixture(scope="module")
def covers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten releases per genre, one solid-colour cover each, genre folders named as the shared set's."""
    root = tmp_path_factory.mktemp("covers")
    rng = np.random.default_rng(0)
    for genre, colour in COLOURS.items():
        (root / genre).mkdir()
        for i in range(10):
            pixels = np.clip(np.array(colour) + rng.normal(0, 15, (40, 40, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(root / genre / f"R-{list(COLOURS).index(genre)}{i:03d}-cover.jpg")
    return root


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mood_checkpoint(tmp_path_factory.mktemp("base") / "base.pt")


def test_covers_are_split_by_release_as_the_dataset_is_and_keep_their_genres(covers: Path) -> None:
    splits = load_covers(covers, genres=LOOK_GENRES, size=32)
    assert sum(len(s) for s in splits.values()) == 30 and len(splits["train"]) >= 20
    ids = [set(s.release_ids) for s in splits.values()]
    assert not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])
    assert splits["train"].pixels.dtype == torch.uint8 and splits["train"].pixels.shape[1:] == (3, 32, 32)
    assert torch.all(splits["train"].genres.sum(dim=1) == 1)


def test_augmentation_keeps_the_size_and_changes_the_pixels() -> None:
    pixels = torch.arange(2 * 3 * 16 * 16, dtype=torch.float32).reshape(2, 3, 16, 16).to(torch.uint8)
    out = augment(pixels, scale=(0.55, 1.0), generator=torch.Generator().manual_seed(1))
    assert out.shape == pixels.shape and not torch.equal(out, pixels.float())


def test_finetuning_writes_a_checkpoint_with_its_backbone_that_loads_and_predicts(covers: Path, base: Path) -> None:
    parent = load_checkpoint(base)
    splits = load_covers(covers, genres=parent.head.genres, size=64)
    tuned, history = finetune_look(parent, splits, FinetuneConfig(epochs=2, batch_size=8, image_size=64))
    assert [row["epoch"] for row in history] == [1.0, 2.0]
    assert tuned.backbone_state is not None and all(t.dtype == torch.float16 for t in tuned.backbone_state.values())
    assert tuned.mood_state is None and tuned.feature_mapping is None  # both read the old backbone: refit next
    assert tuned.training["look_finetune"]["parent"] == parent.version and tuned.version != parent.version
    assert 0.0 <= tuned.metrics["look"]["test_top1"] <= 1.0
    model, base_model = tuned.build(), parent.build()
    assert isinstance(model, EffnetVAE) and isinstance(base_model, EffnetVAE)
    before = base_model.backbone.net.state_dict()
    after = model.backbone.net.state_dict()
    changed = [k for k, v in after.items() if v.is_floating_point() and not torch.allclose(v, before[k], atol=1e-2)]
    assert changed, "the backbone itself was trained"


def test_the_commands_pack_covers_and_finetune_end_to_end(
    covers: Path, base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["look", "pack", "--covers", str(covers), "--out", str(tmp_path / "packed")]) == 0
    rows = list(csv.DictReader((tmp_path / "packed" / "index.csv").open()))
    assert len(rows) == 30 and all((tmp_path / "packed" / r["path"]).suffix == ".webp" for r in rows)
    capsys.readouterr()
    out = tmp_path / "tuned.pt"
    args = ["look", "finetune", "--covers", str(tmp_path / "packed"), "--base", str(base), "--out", str(out)]
    assert main([*args, "--epochs", "1", "--batch-size", "8", "--image-size", "64"]) == 0
    assert json.loads(capsys.readouterr().out)["look"]["flip_averaged"] is True
    prediction = Predictor.load(out, device="cpu").predict([Image.new("RGB", (50, 50), "blue")])[0]
    assert prediction.mood is None and prediction.features.valence >= 0  # no mood head until `mood fit`


def test_finetuning_a_checkpoint_without_a_genre_look_head_is_a_one_line_error(
    covers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.unit.model_fixtures import random_checkpoint

    plain = random_checkpoint(tmp_path / "plain.pt")
    assert (
        main(["look", "finetune", "--covers", str(covers), "--base", str(plain), "--out", str(tmp_path / "x.pt")]) == 2
    )
    assert "genre-look head" in capsys.readouterr().err
