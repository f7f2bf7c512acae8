"""Training: `pressedplay train` on CPU or GPU, unchanged under torchrun (DDP) and as a SageMaker PyTorch job.

effnet-vae trains its head on cached backbone maps (see train_inputs.py); seed-cnn trains end to end on 128x128
pixels. Every epoch writes a self-describing checkpoint and a resumable state; training stops early when the
validation loss has not improved for `patience` epochs, and the best epoch's weights become `model.pt`.
"""

from __future__ import annotations

import logging
import os
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from pipeline.data.examples import Examples, default_per_release, load_examples
from pipeline.training.curve import plot_loss_curve
from pipeline.training.decode import choose_decode, genre_indices, install_genre_head
from pipeline.training.dist import DistContext, dist_context
from services.inference.model.architectures import EFFNET_VAE, EffnetVAE, SeedCNN, VAEOutput, build_model, vae_loss
from services.inference.model.checkpoint import Checkpoint, model_state, save_checkpoint, stamp_version
from services.inference.model.genre_head import HeadConfig
from services.inference.model.transforms import ImageTransform, effnet_transform, seed_cnn_transform
from shared.paths import REPO_ROOT

log = logging.getLogger("pressedplay.train")

DEFAULT_OUT = REPO_ROOT / "var" / "train"
DEFAULT_CACHE = REPO_ROOT / "var" / "cache" / "train-inputs"
STATE_FILE = "train-state.pt"
MODEL_FILE = "model.pt"


@dataclass
class TrainConfig:
    """Everything that decides a training run (stored in the checkpoint)."""

    architecture: str = EFFNET_VAE
    data: Path | None = None
    out: Path = DEFAULT_OUT
    epochs: int = 40
    batch_size: int = 128
    lr: float = 3e-3
    weight_decay: float = 1e-4
    beta: float = 1e-4
    patience: int = 8
    seed: int = 0
    per_release: dict[str, int] = field(default_factory=dict)
    target: str = "genre-mean"
    dropout: float = 0.5
    head: str = "genre"
    genre_weight: float = 2.0
    pool_std: bool = False
    colour_inputs: bool = True
    resume: bool = False
    device: str | None = None
    threads: int = 2
    cache_dir: Path | None = DEFAULT_CACHE
    progress: bool = True

    def summary(self) -> dict[str, Any]:
        """JSON-safe hyperparameters (no machine paths)."""
        keep = (
            "architecture",
            "epochs",
            "batch_size",
            "lr",
            "weight_decay",
            "beta",
            "patience",
            "seed",
            "target",
            "dropout",
            "head",
            "genre_weight",
            "pool_std",
            "colour_inputs",
        )
        data = {k: v for k, v in asdict(self).items() if k in keep}
        return {**data, "per_release": self.resolved_per_release()}

    def resolved_per_release(self) -> dict[str, int]:
        """Copies per release to encode per split (0 = all)."""
        return {**default_per_release(self.architecture), **self.per_release}


@dataclass
class TrainResult:
    """Where the model went and how training went."""

    model_path: Path
    checkpoint: Checkpoint
    history: list[dict[str, float]]
    best_epoch: int
    examples: dict[str, Examples]
    is_main: bool = True


def seed_everything(seed: int) -> None:
    """Python, NumPy and torch RNGs (all devices)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def transform_for(architecture: str) -> ImageTransform:
    """The preprocessing each architecture expects."""
    return effnet_transform() if architecture == EFFNET_VAE else seed_cnn_transform()


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
        return trainable(inputs.float(), stats=colour)
    return trainable(transform.from_pixels(inputs))


def _epoch_order(n: int, *, seed: int, epoch: int, ctx: DistContext, batch_size: int) -> list[np.ndarray]:
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


def train(config: TrainConfig) -> TrainResult:
    """Run a training; returns the best model (written to OUT/model.pt on rank 0)."""
    from tqdm import tqdm

    torch.set_num_threads(config.threads)
    ctx = dist_context(config.device)
    seed_everything(config.seed)
    if config.data is None:
        raise ValueError("TrainConfig.data must name the Parquet shards")
    model = build_model(config.architecture).to(ctx.device)
    if isinstance(model, EffnetVAE):
        model.head.dropout.p = config.dropout  # a training-time setting: not part of the weights
    transform = transform_for(config.architecture)
    per_release = config.resolved_per_release()

    # Rank 0 encodes (the expensive part) and fills the cache; the others wait, then read it.
    with ctx.rank_zero_first():
        examples = load_examples(
            config.data,
            model=model,
            transform=transform,
            architecture=config.architecture,
            per_release=per_release,
            seed=config.seed,
            cache_dir=config.cache_dir,
            progress=config.progress and ctx.is_main,
        )
    train_set, val_set = examples["train"], examples["val"]
    if len(train_set) < ctx.world_size:
        raise ValueError(f"the training split has {len(train_set)} examples; need at least one per process")
    targets = {
        "pair": train_set.targets,
        "release-mean": train_set.release_mean_targets(),
        "genre-mean": train_set.genre_mean_targets(),
    }[config.target]
    if isinstance(model, EffnetVAE) and config.head == "genre":
        head_config = install_genre_head(
            model,
            train_set,
            pool_std=config.pool_std,
            colour_inputs=config.colour_inputs,
            dropout=config.dropout,
            device=ctx.device,
        )
    else:
        head_config = HeadConfig()
        with torch.no_grad():  # start the decoder at the mean target so early epochs learn the differences
            model.head.decoder.bias.copy_(torch.from_numpy(targets.mean(axis=0)))
    train_labels = genre_indices(model, train_set)

    module: nn.Module = model.head if isinstance(model, EffnetVAE) else model
    trainable = ctx.wrap(module)
    optimizer = torch.optim.AdamW(module.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    state_path = config.out / STATE_FILE
    history: list[dict[str, float]] = []
    best: dict[str, Any] = {"val_loss": float("inf"), "epoch": 0, "state": model_state(model)}
    start_epoch, bad_epochs = 1, 0
    if config.resume and state_path.is_file():
        saved = torch.load(state_path, map_location=ctx.device, weights_only=False)
        module.load_state_dict(saved["module"])
        optimizer.load_state_dict(saved["optimizer"])
        history, best, bad_epochs = saved["history"], saved["best"], saved["bad_epochs"]
        start_epoch = saved["epoch"] + 1
        log.info("train.resumed", extra={"epoch": saved["epoch"]})

    def checkpoint_of(state: dict[str, torch.Tensor], epoch: int) -> Checkpoint:
        summary = {"config": config.summary(), "epoch": epoch, "data": data_summary(examples)}
        summary["world_size"] = ctx.world_size
        ckpt = Checkpoint(config.architecture, state, transform, training=summary, head=head_config)
        return stamp_version(ckpt)

    bar = tqdm(range(start_epoch, config.epochs + 1), desc="epochs", disable=not (config.progress and ctx.is_main))
    for epoch in bar:
        module.train()
        run_loss = run_n = 0.0
        for batch in _epoch_order(len(train_set), seed=config.seed, epoch=epoch, ctx=ctx, batch_size=config.batch_size):
            inputs = train_set.inputs[batch].to(ctx.device)
            batch_targets = torch.from_numpy(targets[batch]).to(ctx.device)
            out = forward_batch(model, trainable, inputs, transform, train_set.stats[batch])
            labels = None if train_labels is None else train_labels[batch].to(ctx.device)
            loss, _, _ = vae_loss(
                out, batch_targets, beta=config.beta, genre_targets=labels, genre_weight=config.genre_weight
            )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            run_loss += float(loss.detach()) * len(batch)
            run_n += len(batch)
        # Every rank holds identical weights after the all-reduce, so each computes the same validation numbers
        # and takes the same early-stopping decision without another collective.
        row = {"epoch": float(epoch), "train_loss": run_loss / max(run_n, 1)}
        row.update(
            evaluate_loss(
                model, val_set, transform, device=ctx.device, beta=config.beta, genre_weight=config.genre_weight
            )
        )
        history.append(row)
        bar.set_postfix(train=f"{row['train_loss']:.4f}", val=f"{row['val_loss']:.4f}")
        improved = row["val_loss"] < best["val_loss"] or not np.isfinite(best["val_loss"])
        if improved:
            best = {"val_loss": row["val_loss"], "epoch": epoch, "state": model_state(model)}
            bad_epochs = 0
        else:
            bad_epochs += 1
        if ctx.is_main:
            epoch_path = config.out / "checkpoints" / f"epoch-{epoch:03d}.pt"
            save_checkpoint(checkpoint_of(model_state(model), epoch), epoch_path)
            state = {"module": module.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}
            torch.save({**state, "history": history, "best": best, "bad_epochs": bad_epochs}, state_path)
        if bad_epochs >= config.patience:
            log.info("train.early_stop", extra={"epoch": epoch, "best_epoch": best["epoch"]})
            break
    ctx.barrier()
    module.load_state_dict(best["state"])
    selection: dict[str, Any] = {}
    if head_config.genre_decoder and len(val_set):
        # The decode rule and temperature are chosen on the validation split only (never on test).
        head_config, selection = choose_decode(model, examples, device=ctx.device)
    final = checkpoint_of(best["state"], best["epoch"])
    final.metrics = {"val_loss": best["val_loss"], "best_epoch": best["epoch"], **selection}
    model_path = config.out / MODEL_FILE
    if ctx.is_main:
        save_checkpoint(final, model_path)
        plot_loss_curve(history, config.out / "loss_curve.png", best_epoch=best["epoch"])
    ctx.close()
    return TrainResult(model_path, final, history, best["epoch"], examples, is_main=ctx.is_main)


def data_summary(examples: dict[str, Examples]) -> dict[str, Any]:
    """Rows, releases and genre counts per split (what the model card reports)."""
    out: dict[str, Any] = {}
    for split, ex in examples.items():
        genres, counts = np.unique(ex.genres.astype(str), return_counts=True)
        out[split] = {
            "examples": len(ex),
            "releases": len(set(ex.release_ids)),
            "genres": {str(g): int(c) for g, c in zip(genres.tolist(), counts.tolist(), strict=True)},
        }
    out["split_key"] = "release_id"
    return out


def sagemaker_defaults() -> dict[str, Path]:
    """SageMaker's model folder (SM_MODEL_DIR) and train channel (SM_CHANNEL_TRAIN), where set."""
    found = {}
    if os.environ.get("SM_MODEL_DIR"):
        found["out"] = Path(os.environ["SM_MODEL_DIR"])
    if os.environ.get("SM_CHANNEL_TRAIN"):
        found["data"] = Path(os.environ["SM_CHANNEL_TRAIN"])
    return found
