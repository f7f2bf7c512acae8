"""Held-out evaluation: per-feature MAE and R^2 against the global-mean baseline, and genre by nearest centroid.

Centroid of a genre = the mean normalised target of its training examples. A prediction's genre is the genre whose
centroid is nearest (Euclidean, normalised units); "centroid MAE" is the mean absolute distance between a prediction
and its true genre's centroid, which says how much of the genre's typical sound the model recovered from the cover.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from pipeline.train_inputs import Examples
from services.inference.model.predictor import Predictor
from shared.features import AUDIO_FEATURES


@dataclass
class EvalReport:
    """Every number `pressedplay evaluate` prints (normalised feature units unless named otherwise)."""

    model_version: str
    architecture: str
    examples: int
    mae: dict[str, float]
    baseline_mae: dict[str, float]
    r2: dict[str, float]
    genre_accuracy: float
    genres: list[str]
    confusion: list[list[int]]
    centroid_mae: float
    baseline_centroid_mae: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def mean_mae(self) -> float:
        """MAE averaged over the 8 features."""
        return float(np.mean(list(self.mae.values())))

    @property
    def mean_baseline_mae(self) -> float:
        """The global-mean baseline's MAE averaged over the 8 features."""
        return float(np.mean(list(self.baseline_mae.values())))

    @property
    def centroid_gain(self) -> float:
        """How far below the global mean's the model's centroid MAE is (0.15 = 15% lower)."""
        return 1.0 - self.centroid_mae / self.baseline_centroid_mae if self.baseline_centroid_mae else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe, with the derived numbers."""
        data = dict(vars(self))
        data.update(mean_mae=self.mean_mae, mean_baseline_mae=self.mean_baseline_mae, centroid_gain=self.centroid_gain)
        return data


def genre_centroids(train: Examples) -> tuple[list[str], np.ndarray]:
    """Sorted genre names and their (g, 8) centroids from the training targets."""
    genres = sorted({str(g) for g in train.genres})
    centroids = np.stack([train.targets[train.genres == g].mean(axis=0) for g in genres])
    return genres, centroids


def predict_examples(predictor: Predictor, examples: Examples, *, mood: bool = True) -> np.ndarray:
    """Normalised predictions for cached examples (maps for effnet-vae, pixels for seed-cnn)."""
    out = []
    transform = predictor.checkpoint.transform
    for start in range(0, len(examples), 128):
        inputs = examples.inputs[start : start + 128]
        if predictor.architecture == "seed-cnn":
            with torch.inference_mode():
                inputs = predictor.model.features(transform.from_pixels(inputs).to(predictor.device))
        norm, _ = predictor.predict_maps(inputs, examples.stats[start : start + 128], mood=mood)
        out.append(norm)
    return np.concatenate(out) if out else np.zeros((0, len(AUDIO_FEATURES)), np.float32)


def r_squared(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per-column coefficient of determination."""
    ss_res = ((truth - pred) ** 2).sum(axis=0)
    ss_tot = ((truth - truth.mean(axis=0)) ** 2).sum(axis=0)
    return 1.0 - ss_res / np.maximum(ss_tot, 1e-12)


def score(pred: np.ndarray, test: Examples, train: Examples, *, version: str, architecture: str) -> EvalReport:
    """All metrics for predictions `pred` on `test`, with centroids and the baseline from `train`."""
    if len(test) == 0:
        raise ValueError("the held-out split is empty")
    genres, centroids = genre_centroids(train)
    global_mean = train.targets.mean(axis=0)
    truth = test.targets
    index = {g: i for i, g in enumerate(genres)}
    true_idx = np.array([index.get(str(g), -1) for g in test.genres])
    known = true_idx >= 0
    dist = ((pred[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=-1)
    pred_idx = dist.argmin(axis=1)
    confusion = np.zeros((len(genres), len(genres)), dtype=int)
    for t, p in zip(true_idx[known], pred_idx[known], strict=True):
        confusion[t, p] += 1
    true_centroids = centroids[true_idx[known]]
    return EvalReport(
        model_version=version,
        architecture=architecture,
        examples=len(test),
        mae=dict(zip(AUDIO_FEATURES, np.abs(pred - truth).mean(axis=0).tolist(), strict=True)),
        baseline_mae=dict(zip(AUDIO_FEATURES, np.abs(global_mean - truth).mean(axis=0).tolist(), strict=True)),
        r2=dict(zip(AUDIO_FEATURES, r_squared(pred, truth).tolist(), strict=True)),
        genre_accuracy=float((pred_idx[known] == true_idx[known]).mean()) if known.any() else 0.0,
        genres=genres,
        confusion=confusion.tolist(),
        centroid_mae=float(np.abs(pred[known] - true_centroids).mean()),
        baseline_centroid_mae=float(np.abs(global_mean[None, :] - true_centroids).mean()),
    )


def evaluate(predictor: Predictor, examples: dict[str, Examples], *, mood: bool = True) -> EvalReport:
    """Score `predictor` on the test split; the report also holds the numbers without the mood prior."""
    test, train = examples["test"], examples["train"]
    report = score(
        predict_examples(predictor, test, mood=mood),
        test,
        train,
        version=predictor.version,
        architecture=predictor.architecture,
    )
    if mood and predictor.mood_prior is not None:
        plain = score(predict_examples(predictor, test, mood=False), test, train, version="", architecture="")
        report.extra["without_mood_prior"] = {
            "mean_mae": plain.mean_mae,
            "genre_accuracy": plain.genre_accuracy,
            "centroid_mae": plain.centroid_mae,
            "centroid_gain": plain.centroid_gain,
            "mae_valence": plain.mae["valence"],
            "mae_energy": plain.mae["energy"],
        }
    return report


def plot_confusion(report: EvalReport, path: Path) -> Path:
    """The genre confusion matrix (rows: true genre, columns: nearest-centroid genre) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matrix = np.array(report.confusion)
    fig, ax = plt.subplots(figsize=(5, 4.4), dpi=100)
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(report.genres)), report.genres, rotation=30)
    ax.set_yticks(range(len(report.genres)), report.genres)
    for (i, j), value in np.ndenumerate(matrix):
        colour = "white" if value > matrix.max() / 2 else "black"
        ax.text(j, i, str(value), ha="center", va="center", color=colour)
    ax.set_xlabel("predicted (nearest centroid)")
    ax.set_ylabel("true genre")
    ax.set_title(f"{report.architecture}: accuracy {report.genre_accuracy:.1%}")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def render_table(report: EvalReport) -> str:
    """A plain-text summary for the terminal."""
    lines = [f"model {report.model_version} ({report.architecture}) on {report.examples} held-out examples"]
    lines.append(f"{'feature':<18}{'MAE':>8}{'baseline':>10}{'R^2':>8}")
    for name in AUDIO_FEATURES:
        lines.append(f"{name:<18}{report.mae[name]:>8.4f}{report.baseline_mae[name]:>10.4f}{report.r2[name]:>8.3f}")
    lines.append(f"{'mean':<18}{report.mean_mae:>8.4f}{report.mean_baseline_mae:>10.4f}")
    lines.append(f"genre accuracy (nearest centroid, chance {1 / max(len(report.genres), 1):.0%}): "
                 f"{report.genre_accuracy:.1%}")  # fmt: skip
    lines.append(
        f"centroid MAE {report.centroid_mae:.4f} vs global mean {report.baseline_centroid_mae:.4f} "
        f"({report.centroid_gain:.1%} lower)"
    )
    plain = report.extra.get("without_mood_prior")
    if plain:  # the model alone: what the genre numbers measure before the colour prior moves valence/energy
        lines.append(
            f"without the mood prior: mean MAE {plain['mean_mae']:.4f}, genre accuracy {plain['genre_accuracy']:.1%}, "
            f"centroid MAE {plain['centroid_mae']:.4f} ({plain['centroid_gain']:.1%} lower)"
        )
    return "\n".join(lines)
