"""The mood head: how a photo feels to people, as valence and arousal on the 1-9 scale of the affect ratings.

A ridge regression on the mean over positions of every backbone stage (`Lite0Features.forward_with_stages`),
standardised with the training photos' statistics. Why ridge and not a deeper head: the only mood ground truth is
~1,000 rated photos; on them a linear read-out of frozen features cross-validates as well as anything tried
(kernel ridge, attention pooling, colour statistics added), and its closed form is exact and fits in seconds on a
CPU. The head is an `nn.Module` so it lives in the checkpoint beside the genre-look head and runs in the same
forward pass.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from services.inference.model.backbone import LITE0_STAGE_CHANNELS

MOOD_SCALE = (1.0, 9.0)  # the ratings' scale: 1 unpleasant / calm, 9 pleasant / excited
MOOD_DIMENSIONS = ("valence", "arousal")
MOOD_INPUTS = sum(LITE0_STAGE_CHANNELS)
RidgeModel = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # weights (inputs, k), bias (k,), mean, std


class MoodHead(nn.Module):
    """(n, MOOD_INPUTS) pooled stage outputs -> (n, 2) valence and arousal on the 1-9 scale."""

    input_mean: torch.Tensor
    input_std: torch.Tensor

    def __init__(self, inputs: int = MOOD_INPUTS) -> None:
        super().__init__()
        self.register_buffer("input_mean", torch.zeros(inputs))
        self.register_buffer("input_std", torch.ones(inputs))
        self.linear = nn.Linear(inputs, len(MOOD_DIMENSIONS))

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        """Pooled features -> mood, clipped to the ratings' scale."""
        out: torch.Tensor = self.linear((pooled - self.input_mean) / self.input_std)  # Module calls are typed Any
        return out.clamp(*MOOD_SCALE)

    @torch.no_grad()
    def set_ridge(self, model: RidgeModel) -> MoodHead:
        """Take the weights of a `ridge_fit` result with one column per mood dimension; returns self."""
        weights, bias, mean, std = model
        self.input_mean.copy_(torch.from_numpy(mean))
        self.input_std.copy_(torch.from_numpy(std))
        self.linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(weights.T)))
        self.linear.bias.copy_(torch.from_numpy(bias))
        return self


def ridge_fit(
    features: np.ndarray, targets: np.ndarray, *, alpha: float, scale: np.ndarray | None = None
) -> RidgeModel:
    """Ridge on standardised features: (weights (inputs, k), bias (k,), feature mean, feature std), float32."""
    return ridge_path(features, targets, alphas=(alpha,), scale=scale)[0]


def ridge_path(
    features: np.ndarray, targets: np.ndarray, *, alphas: tuple[float, ...], scale: np.ndarray | None = None
) -> list[RidgeModel]:
    """`ridge_fit` at every strength in `alphas`, from one eigendecomposition (the alphas' fits differ only in it).

    Solved in the dual (n x n) when there are fewer photos than inputs, which is the usual case here. `scale`
    (one positive number per input) multiplies each standardised input before the fit, so an input of scale s is
    penalised as if by alpha / s^2 (a per-stage penalty); it is folded into the returned std, so what comes back
    is still a plain standardised linear model (the served head and its heat map need nothing else).
    """
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(targets, dtype=np.float64)
    if y.ndim == 1:
        y = y[:, None]
    mean = x.mean(axis=0)
    std = np.maximum(x.std(axis=0), 1e-6)  # a constant input stays 0 after standardising instead of dividing by 0
    if scale is not None:
        std = std / np.asarray(scale, dtype=np.float64)
    z = (x - mean) / std
    y_mean = y.mean(axis=0)
    yc = y - y_mean
    n, d = z.shape
    if n < d:
        eigen, vectors = np.linalg.eigh(z @ z.T)
        projected = vectors.T @ yc
        solutions = [z.T @ (vectors @ (projected / (eigen + alpha)[:, None])) for alpha in alphas]
    else:
        eigen, vectors = np.linalg.eigh(z.T @ z)
        projected = vectors.T @ (z.T @ yc)
        solutions = [vectors @ (projected / (eigen + alpha)[:, None]) for alpha in alphas]
    as32 = (y_mean.astype(np.float32), mean.astype(np.float32), std.astype(np.float32))
    return [(weights.astype(np.float32), *as32) for weights in solutions]


def ridge_predict(model: RidgeModel, features: np.ndarray) -> np.ndarray:
    """Predictions of a `ridge_fit` result, unclipped."""
    weights, bias, mean, std = model
    predictions: np.ndarray = ((np.asarray(features, dtype=np.float32) - mean) / std) @ weights + bias
    return predictions
