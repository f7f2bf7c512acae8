"""Checkpoints describe themselves, round-trip exactly, and refuse files they cannot use."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from services.inference.adapters.storage import ArtifactNotFound
from services.inference.model.checkpoint import InvalidCheckpoint, load_checkpoint
from shared.features import AUDIO_FEATURES
from tests.unit.model_fixtures import random_checkpoint


def test_checkpoint_round_trips_weights_and_describes_itself(tmp_path: Path) -> None:
    path = random_checkpoint(tmp_path / "m.pt")
    checkpoint = load_checkpoint(path)
    described = checkpoint.describe()
    assert described["architecture"] == "effnet-vae"
    assert described["feature_order"] == list(AUDIO_FEATURES)
    assert described["normalisation"]["loudness_db"] == [-60.0, 0.0]
    assert described["backbone"]["frozen"] is True
    assert described["version"].startswith("effnet-vae-")
    assert checkpoint.feature_mapping is None and checkpoint.mood_state is None  # a head without a mood
    model = checkpoint.build(pretrained_backbone=False)
    for key, value in checkpoint.state_dict.items():
        assert torch.equal(model.head.state_dict()[key], value)


def test_effnet_checkpoint_holds_only_the_head_so_it_stays_small(tmp_path: Path) -> None:
    path = random_checkpoint(tmp_path / "m.pt")
    assert path.stat().st_size < 1_000_000
    assert not any(key.startswith("backbone") for key in load_checkpoint(path).state_dict)


def test_same_weights_give_the_same_version_and_different_weights_another(tmp_path: Path) -> None:
    a = load_checkpoint(random_checkpoint(tmp_path / "a.pt", seed=1)).version
    b = load_checkpoint(random_checkpoint(tmp_path / "b.pt", seed=1)).version
    c = load_checkpoint(random_checkpoint(tmp_path / "c.pt", seed=2)).version
    assert a == b != c


def test_missing_checkpoint_is_a_not_found_error_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(ArtifactNotFound, match=r"nowhere\.pt"):
        load_checkpoint(tmp_path / "nowhere.pt")


def test_a_file_that_is_not_a_checkpoint_is_rejected_clearly(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a torch file")
    with pytest.raises(InvalidCheckpoint, match="could not be read as a model checkpoint"):
        load_checkpoint(junk)


def test_a_foreign_torch_file_is_rejected_as_not_ours(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.pt"
    torch.save({"weights": torch.zeros(2)}, foreign)
    with pytest.raises(InvalidCheckpoint, match="not a PRESSED / PLAY model checkpoint"):
        load_checkpoint(foreign)


def test_a_checkpoint_with_another_feature_order_is_refused(tmp_path: Path) -> None:
    path = random_checkpoint(tmp_path / "m.pt")
    payload = torch.load(path, weights_only=True)
    payload["feature_order"] = list(reversed(AUDIO_FEATURES))
    torch.save(payload, path)
    with pytest.raises(InvalidCheckpoint, match="another order"):
        load_checkpoint(path)


def test_a_mood_checkpoint_round_trips_its_mood_head_and_feature_mapping(tmp_path: Path) -> None:
    from services.inference.model.architectures import EffnetVAE
    from tests.unit.model_fixtures import mood_checkpoint

    path = mood_checkpoint(tmp_path / "mood.pt")
    checkpoint = load_checkpoint(path)
    assert checkpoint.feature_mapping is not None and checkpoint.mood_state is not None
    model = checkpoint.build(pretrained_backbone=False)
    assert isinstance(model, EffnetVAE) and model.mood is not None
    described = checkpoint.describe()
    assert "mood_state" not in described and described["feature_mapping"]["coupling"]["valence"][0] > 0


def test_a_checkpoint_with_an_unusable_feature_mapping_is_refused(tmp_path: Path) -> None:
    import torch

    from tests.unit.model_fixtures import mood_checkpoint

    payload = torch.load(mood_checkpoint(tmp_path / "mood.pt"), weights_only=True)
    payload["feature_mapping"]["mood_quantiles"] = [[1.0]]
    torch.save(payload, tmp_path / "broken.pt")
    with pytest.raises(InvalidCheckpoint, match="feature mapping"):
        load_checkpoint(tmp_path / "broken.pt")
