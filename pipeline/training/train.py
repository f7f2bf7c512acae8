"""Training: `pressedplay train` on CPU or GPU, unchanged under torchrun (DDP) and as a SageMaker PyTorch job.

effnet-vae trains its head on cached backbone maps (pipeline/data/examples.py); seed-cnn trains end to end on
128x128 pixels. Every epoch writes a self-describing checkpoint and a resumable state; training stops early when the
validation loss has not improved for `patience` epochs, and the best epoch's weights become `model.pt`.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import torch

from pipeline.data.examples import Examples, load_examples
from pipeline.training.config import DEFAULT_CACHE, DEFAULT_OUT, TrainConfig, TrainResult, data_summary
from pipeline.training.decode import install_genre_head
from pipeline.training.dist import DistContext, dist_context
from pipeline.training.run import TrainingRun
from services.inference.model.architectures import EFFNET_VAE, EffnetVAE, SeedCNN, build_model
from services.inference.model.genre_head import HeadConfig
from services.inference.model.transforms import ImageTransform, effnet_transform, seed_cnn_transform

__all__ = [
    "DEFAULT_CACHE",
    "DEFAULT_OUT",
    "TrainConfig",
    "TrainResult",
    "data_summary",
    "sagemaker_defaults",
    "seed_everything",
    "train",
]


def seed_everything(seed: int) -> None:
    """Python, NumPy and torch RNGs (all devices)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def transform_for(architecture: str) -> ImageTransform:
    """The preprocessing each architecture expects."""
    return effnet_transform() if architecture == EFFNET_VAE else seed_cnn_transform()


def train(config: TrainConfig) -> TrainResult:
    """Run a training; returns the best model (written to OUT/model.pt on rank 0)."""
    torch.set_num_threads(config.threads)
    ctx = dist_context(config.device)
    seed_everything(config.seed)
    if config.data is None:
        raise ValueError("TrainConfig.data must name the Parquet shards")
    model = build_model(config.architecture).to(ctx.device)
    if isinstance(model, EffnetVAE):
        model.head.dropout.p = config.dropout  # a training-time setting: not part of the weights
    transform = transform_for(config.architecture)
    examples = _load_inputs(config, ctx, model, transform)
    train_set = examples["train"]
    if len(train_set) < ctx.world_size:
        raise ValueError(f"the training split has {len(train_set)} examples; need at least one per process")
    targets = _targets(config.target, train_set)
    head_config = _start_head(config, model, train_set, targets, device=ctx.device)
    run = TrainingRun(config, ctx, model, transform, examples, targets, head_config)
    run.fit()
    return run.finish()


def _load_inputs(
    config: TrainConfig, ctx: DistContext, model: SeedCNN | EffnetVAE, transform: ImageTransform
) -> dict[str, Examples]:
    assert config.data is not None
    # Rank 0 encodes (the expensive part) and fills the cache; the others wait, then read it.
    with ctx.rank_zero_first():
        return load_examples(
            config.data,
            model=model,
            transform=transform,
            architecture=config.architecture,
            per_release=config.resolved_per_release(),
            seed=config.seed,
            cache_dir=config.cache_dir,
            progress=config.progress and ctx.is_main,
        )


def _targets(target: str, train_set: Examples) -> np.ndarray:
    """The features each training example learns: its pair's, its release's mean, or its genre's mean."""
    return {
        "pair": lambda: train_set.targets,
        "release-mean": train_set.release_mean_targets,
        "genre-mean": train_set.genre_mean_targets,
    }[target]()


def _start_head(
    config: TrainConfig, model: SeedCNN | EffnetVAE, train_set: Examples, targets: np.ndarray, *, device: str
) -> HeadConfig:
    """The genre head installed (effnet-vae), or the decoder started at the mean target."""
    if isinstance(model, EffnetVAE) and config.head == "genre":
        return install_genre_head(
            model,
            train_set,
            pool_std=config.pool_std,
            colour_inputs=config.colour_inputs,
            dropout=config.dropout,
            device=device,
        )
    with torch.no_grad():  # start the decoder at the mean target so early epochs learn the differences
        model.head.decoder.bias.copy_(torch.from_numpy(targets.mean(axis=0)))
    return HeadConfig()


def sagemaker_defaults() -> dict[str, Path]:
    """SageMaker's model folder (SM_MODEL_DIR) and train channel (SM_CHANNEL_TRAIN), where set."""
    found = {}
    if os.environ.get("SM_MODEL_DIR"):
        found["out"] = Path(os.environ["SM_MODEL_DIR"])
    if os.environ.get("SM_CHANNEL_TRAIN"):
        found["data"] = Path(os.environ["SM_CHANNEL_TRAIN"])
    return found
