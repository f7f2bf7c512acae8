"""`pressedplay look finetune|pack` on tiny synthetic covers, on the CPU (the real run: scripts/cpu-look-finetune.sh
in a quiet window, or a GPU): the run, and a run stopped mid-way that resumes to the same weights."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
from PIL import Image

from pipeline.cli import main
from pipeline.resumable import ResumeRefused
from pipeline.training import look_finetune
from pipeline.training.look_covers import CoverSplit, augment, load_covers
from pipeline.training.look_finetune import FinetuneConfig, finetune_look, top1
from pipeline.training.look_objective import feature_drift
from services.inference.model.architectures import EffnetVAE
from services.inference.model.checkpoint import Checkpoint, load_checkpoint
from services.inference.model.predictor import Predictor
from shared.paths import REPO_ROOT
from tests.unit.model_fixtures import LOOK_GENRES, mood_checkpoint, write_cover_folders


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    """One torch thread: on a shared 2-core machine two threads spin against each other and a tiny epoch takes
    10-30 s instead of ~1 s (measured under load average 7); the results do not depend on it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def covers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten releases per genre, one solid-colour cover each, genre folders named as the shared set's."""
    return write_cover_folders(tmp_path_factory.mktemp("covers"))


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


@pytest.mark.slow
def test_finetuning_writes_a_checkpoint_with_its_backbone_that_loads_and_predicts(covers: Path, base: Path) -> None:
    parent = load_checkpoint(base)
    splits = load_covers(covers, genres=parent.head.genres, size=64)
    tuned, history = finetune_look(parent, splits, FinetuneConfig(epochs=2, batch_size=8, image_size=64))
    assert tuned is not None and [row["epoch"] for row in history] == [1.0, 2.0]
    assert tuned.backbone_state is not None and all(t.dtype == torch.float16 for t in tuned.backbone_state.values())
    assert tuned.mood_state is None and tuned.feature_mapping is None  # both read the old backbone: refit next
    assert tuned.training["look_finetune"]["parent"] == parent.version and tuned.version != parent.version
    assert 0.0 <= tuned.metrics["look"]["test_top1"] <= 1.0
    model, base_model = tuned.build(), parent.build()
    assert isinstance(model, EffnetVAE) and isinstance(base_model, EffnetVAE)
    mean, std = (torch.tensor(v).view(1, 3, 1, 1) for v in (parent.transform.mean, parent.transform.std))
    before_training = top1(base_model, splits["test"], config=FinetuneConfig(batch_size=8), mean=mean, std=std)
    assert tuned.metrics["look"]["parent_test_top1"] == before_training  # the parent, on the same covers
    before = base_model.backbone.net.state_dict()
    after = model.backbone.net.state_dict()
    changed = [k for k, v in after.items() if v.is_floating_point() and not torch.allclose(v, before[k], atol=1e-2)]
    assert changed, "the backbone itself was trained"


@pytest.mark.slow
def test_the_commands_pack_covers_and_finetune_end_to_end(
    covers: Path, base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["look", "pack", "--covers", str(covers), "--out", str(tmp_path / "packed")]) == 0
    rows = list(csv.DictReader((tmp_path / "packed" / "index.csv").open()))
    assert len(rows) == 30 and all((tmp_path / "packed" / r["path"]).suffix == ".webp" for r in rows)
    capsys.readouterr()
    out = tmp_path / "tuned.pt"
    args = ["look", "finetune", "--covers", str(tmp_path / "packed"), "--base", str(base), "--out", str(out)]
    settings = ["--epochs", "2", "--batch-size", "8", "--image-size", "64", "--state", str(tmp_path / "run.pt")]
    assert main([*args, *settings, "--stop-after", "1"]) == 0
    stopped = capsys.readouterr()
    assert json.loads(stopped.out)["stopped_after_epoch"] == 1 and not out.exists()
    assert "look finetune: epoch 1/2, loss " in stopped.err and "left" in stopped.err  # what a person watches
    assert main([*args, *settings, "--resume"]) == 0
    resumed = capsys.readouterr()
    assert json.loads(resumed.out)["look"]["flip_averaged"] is True and [
        row["epoch"] for row in json.loads(resumed.out)["history"]
    ] == [1.0, 2.0]
    assert "epoch 2/2" in resumed.err and "epoch 1/2" not in resumed.err
    prediction = Predictor.load(out, device="cpu").predict([Image.new("RGB", (50, 50), "blue")])[0]
    assert prediction.mood is None and prediction.features.valence >= 0  # no mood head until `mood fit`


@pytest.mark.slow
def test_a_partial_fine_tune_keeps_the_stem_and_earlier_blocks_and_their_statistics(covers: Path, base: Path) -> None:
    parent = load_checkpoint(base)
    splits = load_covers(covers, genres=parent.head.genres, size=32)
    config = FinetuneConfig(epochs=2, batch_size=8, image_size=32, train_from_block=11)
    tuned, _ = finetune_look(parent, splits, config)
    assert tuned is not None and tuned.training["look_finetune"]["train_from_block"] == 11
    parent_model, tuned_model = parent.build(), tuned.build()
    assert isinstance(parent_model, EffnetVAE) and isinstance(tuned_model, EffnetVAE)
    before, after = parent_model.backbone.net.state_dict(), tuned_model.backbone.net.state_dict()

    def trunk(name: str) -> bool:
        return name.startswith(("_conv_stem.", "_bn0.")) or (
            name.startswith("_blocks.") and int(name.split(".")[1]) < 11
        )

    # Weights and batch-norm running statistics alike (the trunk runs in eval mode); only float16 storage rounds them.
    kept = [k for k in before if trunk(k)]
    assert kept and all(torch.equal(after[k].float(), before[k].half().float()) for k in kept)
    trained = [k for k in before if not trunk(k) and after[k].is_floating_point()]
    assert any(not torch.allclose(after[k], before[k], atol=1e-2) for k in trained), "the later blocks were trained"


def test_the_drift_is_zero_for_the_parents_own_maps_and_does_not_depend_on_their_scale() -> None:
    gen = torch.Generator().manual_seed(0)
    maps = [torch.randn(6, c, 4, 4, generator=gen) for c in (3, 5)]
    assert float(feature_drift(maps, maps)) == 0.0
    moved = [maps[0] + 0.5, maps[1]]
    drift = float(feature_drift(moved, maps))
    assert drift > 0
    assert float(feature_drift([10 * m for m in moved], [10 * m for m in maps])) == pytest.approx(drift, rel=1e-4)


@pytest.mark.slow
def test_the_preserve_term_holds_the_pooled_stages_the_mood_reads_near_the_parents(covers: Path, base: Path) -> None:
    parent = load_checkpoint(base)
    splits = load_covers(covers, genres=parent.head.genres, size=32)
    parent_model = parent.build()
    assert isinstance(parent_model, EffnetVAE)
    mean, std = (torch.tensor(v).view(1, 3, 1, 1) for v in (parent.transform.mean, parent.transform.std))
    images = (splits["train"].pixels.float() / 255.0 - mean) / std
    drifts, logged, statistics_kept = {}, {}, {}
    for weight in (1e-6, 1.0):  # the same training, without (in effect) and with the term
        tuned, history = finetune_look(parent, splits, FinetuneConfig(epochs=2, batch_size=8, image_size=32,
                                                                      preserve=weight))  # fmt: skip
        assert tuned is not None and tuned.backbone_state is not None
        model = tuned.build()
        assert isinstance(model, EffnetVAE)
        with torch.no_grad():
            drifts[weight] = float(feature_drift(model.backbone.stage_maps(images),
                                                 parent_model.backbone.stage_maps(images)))  # fmt: skip
        logged[weight] = [row["drift"] for row in history]
        before = parent_model.backbone.net.state_dict()
        statistics_kept[weight] = all(
            torch.equal(v.float(), before[k].half().float()) for k, v in tuned.backbone_state.items() if "running_" in k
        )
    assert drifts[1.0] < 0.5 * drifts[1e-6], drifts
    assert all(d > 0 for d in logged[1.0])  # what a person watching the run sees, one number an epoch
    assert (
        statistics_kept[1.0] and statistics_kept[1e-6]
    )  # the backbone trained with the parent's batch-norm statistics


def test_finetuning_a_checkpoint_without_a_genre_look_head_is_a_one_line_error(
    covers: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.unit.model_fixtures import random_checkpoint

    plain = random_checkpoint(tmp_path / "plain.pt")
    assert (
        main(["look", "finetune", "--covers", str(covers), "--base", str(plain), "--out", str(tmp_path / "x.pt")]) == 2
    )
    assert "genre-look head" in capsys.readouterr().err


@pytest.fixture(scope="module")
def tiny(covers: Path, base: Path) -> tuple[Checkpoint, dict[str, CoverSplit]]:
    parent = load_checkpoint(base)
    return parent, load_covers(covers, genres=parent.head.genres, size=32)


TINY = FinetuneConfig(epochs=3, batch_size=8, micro_batch=4, image_size=32)


@pytest.mark.slow
def test_a_run_stopped_mid_epoch_resumes_to_the_weights_of_a_run_that_never_stopped(
    tiny: tuple, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent, splits = tiny
    unbroken, unbroken_history = finetune_look(parent, splits, TINY, state_path=tmp_path / "unbroken.pt")
    state = tmp_path / "stopped.pt"
    calls = {"n": 0}
    real_augment = augment  # what look_finetune calls

    def stop_in_epoch_two(*args: object, **kwargs: object) -> torch.Tensor:
        calls["n"] += 1
        if calls["n"] == 8:  # 20 training covers, micro-batches of 4: five calls an epoch
            raise KeyboardInterrupt
        return real_augment(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(look_finetune, "augment", stop_in_epoch_two)
    with pytest.raises(KeyboardInterrupt):
        finetune_look(parent, splits, TINY, state_path=state)
    monkeypatch.setattr(look_finetune, "augment", real_augment)
    assert torch.load(state, weights_only=True)["epoch"] == 1  # epoch 1's state, whole
    resumed, history = finetune_look(parent, splits, TINY, state_path=state, resume=True)
    assert unbroken is not None and resumed is not None
    assert [r["epoch"] for r in history] == [1.0, 2.0, 3.0]
    for key in ("train_loss", "val_top1"):
        assert [r[key] for r in history] == [r[key] for r in unbroken_history], key
    assert set(resumed.backbone_state or {}) == set(unbroken.backbone_state or {})
    for name, tensor in (unbroken.backbone_state or {}).items():
        assert torch.equal(tensor, (resumed.backbone_state or {})[name]), name
    for name, tensor in unbroken.state_dict.items():
        assert torch.equal(tensor, resumed.state_dict[name]), name
    assert resumed.version.rsplit("-", 1)[1] == unbroken.version.rsplit("-", 1)[1]  # the same weights' hash


@pytest.mark.slow
def test_stopping_after_some_epochs_and_resuming_twice_gives_the_same_model(tiny: tuple, tmp_path: Path) -> None:
    parent, splits = tiny
    unbroken, _ = finetune_look(parent, splits, TINY)
    state = tmp_path / "run.pt"
    for _ in range(2):
        stopped, _ = finetune_look(parent, splits, TINY, state_path=state, resume=True, stop_after=1)
        assert stopped is None
    resumed, history = finetune_look(parent, splits, TINY, state_path=state, resume=True, stop_after=1)
    assert resumed is not None and unbroken is not None and len(history) == 3
    for name, tensor in (unbroken.backbone_state or {}).items():
        assert torch.equal(tensor, (resumed.backbone_state or {})[name]), name


@pytest.mark.slow
def test_resuming_a_run_under_other_settings_or_from_a_file_that_is_no_run_is_refused(
    tiny: tuple, tmp_path: Path
) -> None:
    parent, splits = tiny
    state = tmp_path / "run.pt"
    finetune_look(parent, splits, TINY, state_path=state, stop_after=1)
    with pytest.raises(ResumeRefused, match="holds a run already: --resume continues it"):
        finetune_look(parent, splits, TINY, state_path=state)  # a fresh start would overwrite it
    other = FinetuneConfig(epochs=3, batch_size=8, micro_batch=4, image_size=32, backbone_lr=1e-3)
    with pytest.raises(ResumeRefused, match=r"backbone_lr: saved 0\.0001, asked 0\.001"):
        finetune_look(parent, splits, other, state_path=state, resume=True)
    (tmp_path / "junk.pt").write_bytes(b"not a state")
    with pytest.raises(ResumeRefused, match="could not be read"):
        finetune_look(parent, splits, TINY, state_path=tmp_path / "junk.pt", resume=True)
    torch.save({"epoch": 1}, tmp_path / "other.pt")
    with pytest.raises(ResumeRefused, match="not a saved training run"):
        finetune_look(parent, splits, TINY, state_path=tmp_path / "other.pt", resume=True)


def _finetune_process(covers: Path, base: Path, run: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline.cli",
        "look",
        "finetune",
        "--covers",
        str(covers),
        "--base",
        str(base),
        "--out",
        str(run / "tuned.pt"),
        "--state",
        str(run / "run-state.pt"),
        "--resume",
        "--epochs",
        "3",
        "--batch-size",
        "8",
        "--micro-batch",
        "4",
        "--image-size",
        "32",
        "--threads",
        "1",
    ]


@pytest.mark.slow
def test_a_finetune_process_killed_mid_run_continues_to_the_same_model_when_run_again(
    covers: Path, base: Path, tmp_path: Path
) -> None:
    # What scripts/cpu-look-finetune.sh meets: the process killed outright (SIGKILL, no cleanup) at whatever point
    # it is in after its first saved epoch, then the same command run again.
    killed, unbroken = tmp_path / "killed", tmp_path / "unbroken"
    process = subprocess.Popen(_finetune_process(covers, base, killed), cwd=REPO_ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not (killed / "run-state.pt").is_file() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.kill()
    process.wait()
    assert process.returncode == -signal.SIGKILL and not (killed / "tuned.pt").exists()
    again = subprocess.run(_finetune_process(covers, base, killed), cwd=REPO_ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "resumed from" in again.stderr and "epoch 1/3" not in again.stderr and "epoch 3/3" in again.stderr
    whole = subprocess.run(_finetune_process(covers, base, unbroken), cwd=REPO_ROOT, capture_output=True, text=True)
    assert whole.returncode == 0, whole.stderr
    resumed, reference = load_checkpoint(killed / "tuned.pt"), load_checkpoint(unbroken / "tuned.pt")
    assert resumed.version.rsplit("-", 1)[1] == reference.version.rsplit("-", 1)[1]  # a hash of the weights
    for name, tensor in (reference.backbone_state or {}).items():
        assert torch.equal(tensor, (resumed.backbone_state or {})[name]), name
