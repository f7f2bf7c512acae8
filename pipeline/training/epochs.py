"""One training epoch and the validation pass: batches in a DDP-safe order, the loss, the running progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from pipeline.data.examples import Examples
from pipeline.training.decode import genre_indices
from pipeline.training.dist import DistContext
from services.inference.model.architectures import EffnetVAE, SeedCNN, VAEOutput, vae_loss
from services.inference.model.checkpoint import model_state
from services.inference.model.transforms import ImageTransform


@dataclass
class Progress:
    """What an interrupted run resumes from: the history, the best epoch so far and the epochs since it improved."""

    history: list[dict[str, float]] = field(default_factory=list)
    best: dict[str, Any] = field(default_factory=dict)
    bad_epochs: int = 0

    def record(self, row: dict[str, float], *, model: SeedCNN | EffnetVAE) -> None:
        """Add the epoch's row; keep the weights when the validation loss improved."""
        self.history.append(row)
        if row["val_loss"] < self.best["val_loss"] or not np.isfinite(self.best["val_loss"]):
            self.best = {"val_loss": row["val_loss"], "epoch": int(row["epoch"]), "state": model_state(model)}
            self.bad_epochs = 0
        else:
            self.bad_epochs += 1


def forward_batch(
    model: SeedCNN | EffnetVAE,
    trainable: nn.Module,
    inputs: torch.Tensor,
    transform: ImageTransform,
    stats: np.ndarray | None = None,
) -> VAEOutput:
    """Cached inputs -> output: effnet-vae's are backbone maps (+ colour stats), seed-cnn's are uint8 pixels."""
    if isinstance(model, EffnetVAE):
        colour = None if stats is None else torch.from_numpy(stats).to(inputs.device)
        out: VAEOutput = trainable(inputs.float(), stats=colour)  # nn.Module calls are typed as returning Any
    else:
        out = trainable(transform.from_pixels(inputs))
    return out


def epoch_batches(n: int, *, seed: int, epoch: int, ctx: DistContext, batch_size: int) -> list[np.ndarray]:
    # Every rank draws the same permutation and takes its own slice; all ranks get the same number of batches,
    # because a rank with an extra batch would wait forever in DDP's gradient all-reduce.
    order = np.random.default_rng([seed, epoch]).permutation(n)
    per_rank = n // ctx.world_size
    mine = order[ctx.rank * per_rank : (ctx.rank + 1) * per_rank]
    return [mine[i : i + batch_size] for i in range(0, len(mine), batch_size)]


def evaluate_loss(
    model: SeedCNN | EffnetVAE,
    examples: Examples,
    transform: ImageTransform,
    *,
    device: str,
    beta: float,
    genre_weight: float = 0.0,
) -> dict[str, float]:
    """Validation loss with the latent mean (no sampling), and the mean absolute error, in normalised units."""
    if len(examples) == 0:
        return {"val_loss": float("nan"), "val_mae": float("nan")}
    model.eval()
    total = recon_sum = abs_sum = 0.0
    labels = genre_indices(model, examples)
    with torch.inference_mode():
        for start in range(0, len(examples), 256):
            inputs = examples.inputs[start : start + 256].to(device)
            targets = torch.from_numpy(examples.targets[start : start + 256]).to(device)
            module = model.head if isinstance(model, EffnetVAE) else model
            out = forward_batch(model, module, inputs, transform, examples.stats[start : start + 256])
            batch_labels = None if labels is None else labels[start : start + 256].to(device)
            loss, recon, _ = vae_loss(out, targets, beta=beta, genre_targets=batch_labels, genre_weight=genre_weight)
            total += float(loss) * len(targets)
            recon_sum += float(recon) * len(targets)
            abs_sum += float((out.recon.clamp(0, 1) - targets).abs().mean()) * len(targets)
    n = len(examples)
    return {"val_loss": total / n, "val_recon": recon_sum / n, "val_mae": abs_sum / n}


def train_epoch(
    model: SeedCNN | EffnetVAE,
    trainable: nn.Module,
    optimizer: torch.optim.Optimizer,
    train_set: Examples,
    *,
    targets: np.ndarray,
    labels: torch.Tensor | None,
    transform: ImageTransform,
    ctx: DistContext,
    epoch: int,
    seed: int,
    batch_size: int,
    beta: float,
    genre_weight: float,
) -> float:
    """One pass over this rank's share of the training split; the mean training loss."""
    run_loss = run_n = 0.0
    for batch in epoch_batches(len(train_set), seed=seed, epoch=epoch, ctx=ctx, batch_size=batch_size):
        inputs = train_set.inputs[batch].to(ctx.device)
        batch_targets = torch.from_numpy(targets[batch]).to(ctx.device)
        out = forward_batch(model, trainable, inputs, transform, train_set.stats[batch])
        batch_labels = None if labels is None else labels[batch].to(ctx.device)
        loss, _, _ = vae_loss(out, batch_targets, beta=beta, genre_targets=batch_labels, genre_weight=genre_weight)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]  # torch leaves Tensor.backward unannotated
        optimizer.step()
        run_loss += float(loss.detach()) * len(batch)
        run_n += len(batch)
    return run_loss / max(run_n, 1)
