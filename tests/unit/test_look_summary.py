"""The last step of scripts/cpu-look-finetune.sh: the fine-tuned model's numbers beside its parent's, and whether to
ship it (>= 42 % served top-1 on held-out covers, better than the parent served on the same covers, mood no
worse)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.training.look_summary import main, summary_lines, verdict
from services.inference.model.checkpoint import load_checkpoint, save_checkpoint
from tests.unit.model_fixtures import mood_checkpoint

LOOK = {"val_top1": 0.45, "test_top1": 0.44, "parent_val_top1": 0.39, "parent_test_top1": 0.40}
MOOD = {"valence_spearman": 0.76, "arousal_spearman": 0.40}
PARENT_MOOD = {"valence_spearman": 0.74, "arousal_spearman": 0.35}


def test_a_model_that_clears_every_condition_is_shipped() -> None:
    assert verdict(0.43, 0.41, MOOD, PARENT_MOOD) == []


@pytest.mark.parametrize(
    ("served", "parent", "mood", "reason"),
    [
        (0.415, 0.40, MOOD, "served genre look top-1 41.5% is below the 42% bound"),
        (None, 0.40, MOOD, "served genre look top-1 n/a"),  # never ship unmeasured
        (0.43, 0.43, MOOD, "no better than the parent as served on the same test covers (43.0% vs 43.0%)"),
        (0.43, None, MOOD, "no better than the parent"),  # the parent unmeasured: no comparison, no ship
        (0.43, 0.41, {**MOOD, "arousal_spearman": 0.30}, "reads arousal worse (0.300 vs the parent's 0.350)"),
    ],
)
def test_each_failed_condition_stops_the_ship_and_says_why(
    served: float | None, parent: float | None, mood: dict[str, float], reason: str
) -> None:
    reasons = verdict(served, parent, mood, PARENT_MOOD)
    assert any(reason in r for r in reasons), reasons
    assert len(reasons) == (2 if served is None else 1)  # unmeasured is also "no better than the parent"


def _run_folder(tmp_path: Path, *, served: float) -> tuple[Path, Path]:
    base = mood_checkpoint(tmp_path / "base.pt")
    parent = load_checkpoint(base)
    parent.metrics = {**parent.metrics, "mood_cv": PARENT_MOOD}
    save_checkpoint(parent, base)
    tuned = load_checkpoint(base)
    tuned.metrics = {**tuned.metrics, "look": LOOK, "mood_cv": MOOD}
    out = tmp_path / "run"
    save_checkpoint(tuned, out / "effnet-vae.pt")
    (out / "served-look.json").write_text(json.dumps({"top1_per_label": served, "top1_per_cover": served + 0.03}))
    (out / "served-look-parent.json").write_text(json.dumps({"top1_per_label": 0.41, "top1_per_cover": 0.44}))
    (out / "evaluate.json").write_text(json.dumps({"extra": {"genre_look_top1": 0.38}}))
    report = {
        "served_valence_spearman": 0.7,
        "served_energy_arousal_spearman": 0.4,
        "valence_spread": 0.2,
        "distinct_values": {"valence": 900, "energy": 850},
        "playlist_jaccard": 0.05,
        "playlist_valence_spearman": 0.65,
    }
    (out / "mood-report.json").write_text(json.dumps(report))
    return out, base


def test_the_summary_prints_each_number_beside_the_parents_and_ends_with_the_decision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, base = _run_folder(tmp_path, served=0.43)
    assert main([str(out), str(base)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "test 44.0% (parent 40.0%)" in lines[1]
    assert "43.0% per label (bound >= 42%; parent 41.0%), 46.0% per cover (parent 44.0%)" in lines[2]
    assert "distorted copies of the test covers (`evaluate`): 38.0%" in lines[3]
    assert "0.400 (parent 0.350)" in lines[5] and "fewest distinct values of a feature 850" in "\n".join(lines)
    assert lines[-1].startswith("SHIP: cp ")


def test_a_run_below_the_bound_ends_with_do_not_ship(tmp_path: Path) -> None:
    out, base = _run_folder(tmp_path, served=0.40)
    assert summary_lines(out, str(base))[-1].startswith("DO NOT SHIP: served genre look top-1 40.0%")


def test_the_summary_without_its_arguments_prints_its_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2 and "usage" in capsys.readouterr().err
