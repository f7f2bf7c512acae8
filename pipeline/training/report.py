"""After training: evaluate the best model on the held-out split and record the metrics in its checkpoint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.evaluation.evaluate import evaluate, plot_confusion
from pipeline.training.train import TrainResult
from services.inference.model.checkpoint import save_checkpoint
from services.inference.model.predictor import Predictor, pick_device


def evaluate_and_record(result: TrainResult, *, out: Path, device: str | None) -> dict[str, Any]:
    """Test-split metrics -> checkpoint metrics, OUT/metrics.json and OUT/confusion.png; returns the summary."""
    checkpoint = result.checkpoint
    predictor = Predictor(checkpoint, checkpoint.build(), device=pick_device(device))
    if len(result.examples["test"]) == 0:
        return {"test": "empty"}
    report = evaluate(predictor, result.examples)
    summary = {
        "test_examples": report.examples,
        "mean_mae": round(report.mean_mae, 4),
        "mean_baseline_mae": round(report.mean_baseline_mae, 4),
        "genre_accuracy": round(report.genre_accuracy, 4),
        "centroid_mae": round(report.centroid_mae, 4),
        "baseline_centroid_mae": round(report.baseline_centroid_mae, 4),
        "centroid_gain": round(report.centroid_gain, 4),
        "mae": {k: round(v, 4) for k, v in report.mae.items()},
        "r2": {k: round(v, 4) for k, v in report.r2.items()},
    }
    if "genre_look_top1" in report.extra:
        summary["genre_look_top1"] = round(report.extra["genre_look_top1"], 4)
    checkpoint.metrics = {**checkpoint.metrics, "test": summary}
    save_checkpoint(checkpoint, result.model_path)
    (out / "metrics.json").write_text(json.dumps(report.to_dict(), indent=2) + "\n")
    plot_confusion(report, out / "confusion.png")
    return summary
