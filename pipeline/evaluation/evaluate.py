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

from pipeline.data.examples import Examples
from services.inference.model.architectures import EffnetVAE, VAEOutput
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


def predict_examples(predictor: Predictor, examples: Examples) -> np.ndarray:
    """Normalised predictions for cached examples (maps for effnet-vae, pixels for seed-cnn)."""
    out = []
    transform = predictor.checkpoint.transform
    for start in range(0, len(examples), 128):
        inputs = examples.inputs[start : start + 128]
        if predictor.architecture == "seed-cnn":
            with torch.inference_mode():
                inputs = predictor.model.features(transform.from_pixels(inputs).to(predictor.device))
        norm, _ = predictor.predict_maps(inputs, examples.stats[start : start + 128])
        out.append(norm)
    return np.concatenate(out) if out else np.zeros((0, len(AUDIO_FEATURES)), np.float32)


def r_squared(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per-column coefficient of determination."""
    ss_res = ((truth - pred) ** 2).sum(axis=0)
    ss_tot = ((truth - truth.mean(axis=0)) ** 2).sum(axis=0)
    # numpy's stubs type a reduction along an axis as Any; the per-column scores are an array.
    scores: np.ndarray = 1.0 - ss_res / np.maximum(ss_tot, 1e-12)
    return scores


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


def head_outputs(model: EffnetVAE, examples: Examples, *, device: str) -> list[VAEOutput]:
    """The head's outputs (latent mean, eval mode) on cached examples, in batches."""
    model.head.eval()
    outs = []
    with torch.inference_mode():
        for start in range(0, len(examples), 256):
            stats = torch.from_numpy(examples.stats[start : start + 256]).to(device)
            outs.append(model.head(examples.inputs[start : start + 256].to(device).float(), stats=stats))
    return outs


def look_top1(predictor: Predictor, examples: Examples) -> float | None:
    """Top-1 accuracy of the genre look (the head's genre classifier) on cached examples; None without one."""
    model = predictor.model
    if not isinstance(model, EffnetVAE) or not model.head.config.genre_decoder or len(examples) == 0:
        return None
    logits = torch.cat(
        [o.logits for o in head_outputs(model, examples, device=predictor.device) if o.logits is not None]
    )
    predicted = np.array(model.head.config.genres)[logits.argmax(dim=1).cpu().numpy()]
    return float((predicted == examples.genres.astype(str)).mean())


def evaluate(predictor: Predictor, examples: dict[str, Examples]) -> EvalReport:
    """Score `predictor`'s genre look on the test split (the covers carry genre, not mood)."""
    test, train = examples["test"], examples["train"]
    report = score(
        predict_examples(predictor, test), test, train, version=predictor.version, architecture=predictor.architecture
    )
    top1 = look_top1(predictor, test)
    if top1 is not None:
        report.extra["genre_look_top1"] = top1
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
    if "genre_look_top1" in report.extra:
        lines.append(f"genre look top-1 (the head's classifier): {report.extra['genre_look_top1']:.1%}")
    return "\n".join(lines)
