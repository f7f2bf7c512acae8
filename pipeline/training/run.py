"""The epochs of one training run: the optimiser, the progress kept for resuming, the checkpoints it writes."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import torch
from torch import nn

from pipeline.data.examples import Examples
from pipeline.resumable import EpochLog, load_state, restore_rng, rng_state, save_state
from pipeline.training.config import MODEL_FILE, STATE_FILE, TrainConfig, TrainResult, data_summary
from pipeline.training.curve import plot_loss_curve
from pipeline.training.decode import choose_decode, genre_indices
from pipeline.training.dist import DistContext
from pipeline.training.epochs import Progress, evaluate_loss, train_epoch
from services.inference.model.architectures import EffnetVAE, SeedCNN
from services.inference.model.checkpoint import Checkpoint, model_state, save_checkpoint, stamp_version
from services.inference.model.genre_head import HeadConfig
from services.inference.model.transforms import ImageTransform

log = logging.getLogger("pressedplay.train")


class TrainingRun:
    """The epochs of one training: the optimiser, the progress kept for resuming, the checkpoints written."""

    def __init__(
        self,
        config: TrainConfig,
        ctx: DistContext,
        model: SeedCNN | EffnetVAE,
        transform: ImageTransform,
        examples: dict[str, Examples],
        targets: np.ndarray,
        head_config: HeadConfig,
    ) -> None:
        self.config, self.ctx, self.model, self.transform = config, ctx, model, transform
        self.examples, self.targets, self.head_config = examples, targets, head_config
        self.labels = genre_indices(model, examples["train"])
        self.module: nn.Module = model.head if isinstance(model, EffnetVAE) else model
        self.trainable = ctx.wrap(self.module)
        self.optimizer = torch.optim.AdamW(self.module.parameters(), lr=config.lr, weight_decay=config.weight_decay)
        self.state_path = config.out / STATE_FILE
        self.progress = Progress(best={"val_loss": float("inf"), "epoch": 0, "state": model_state(model)})
        self.start_epoch = 1
        if config.resume and self.state_path.is_file():
            self._resume()

    def _settings(self) -> dict[str, Any]:
        # A resumed run must be the same run; only the number of epochs may grow (no schedule depends on it).
        return {k: v for k, v in self.config.summary().items() if k != "epochs"}

    def _resume(self) -> None:
        saved = load_state(self.state_path, settings=self._settings())
        self.module.load_state_dict(saved["module"])
        self.optimizer.load_state_dict(saved["optimizer"])
        restore_rng(saved["rng"])  # dropout and the latent sample draw from torch's generator
        self.progress = Progress(saved["history"], saved["best"], saved["bad_epochs"])
        self.start_epoch = saved["epoch"] + 1
        log.info("train.resumed", extra={"epoch": saved["epoch"]})

    def checkpoint_of(self, state: dict[str, torch.Tensor], epoch: int) -> Checkpoint:
        """A self-describing checkpoint of these weights, stamped with its version."""
        summary = {"config": self.config.summary(), "epoch": epoch, "data": data_summary(self.examples)}
        summary["world_size"] = self.ctx.world_size
        ckpt = Checkpoint(self.config.architecture, state, self.transform, training=summary, head=self.head_config)
        return stamp_version(ckpt)

    def fit(self) -> None:
        """Train epoch by epoch until the last one or until `patience` epochs bring no improvement; the state is
        saved after every epoch, and each prints its loss, validation loss, time and the time left."""
        config, ctx, progress = self.config, self.ctx, self.progress
        watch = EpochLog(
            "train",
            config.epochs,
            "val_loss",
            log,
            [r["seconds"] for r in progress.history],
            echo=config.progress and ctx.is_main,
        )
        for epoch in range(self.start_epoch, config.epochs + 1):
            watch.start_epoch()
            self.module.train()
            row = {"epoch": float(epoch), "train_loss": self._train_epoch(epoch)}
            # Every rank holds identical weights after the all-reduce, so each computes the same validation
            # numbers and takes the same early-stopping decision without another collective.
            row.update(
                evaluate_loss(
                    self.model,
                    self.examples["val"],
                    self.transform,
                    device=ctx.device,
                    beta=config.beta,
                    genre_weight=config.genre_weight,
                )
            )
            progress.record(watch.end_epoch(row), model=self.model)
            if ctx.is_main:
                self._save_epoch(epoch)
            if progress.bad_epochs >= config.patience:
                log.info("train.early_stop", extra={"epoch": epoch, "best_epoch": progress.best["epoch"]})
                break

    def _train_epoch(self, epoch: int) -> float:
        config = self.config
        return train_epoch(
            self.model,
            self.trainable,
            self.optimizer,
            self.examples["train"],
            targets=self.targets,
            labels=self.labels,
            transform=self.transform,
            ctx=self.ctx,
            epoch=epoch,
            seed=config.seed,
            batch_size=config.batch_size,
            beta=config.beta,
            genre_weight=config.genre_weight,
        )

    def _save_epoch(self, epoch: int) -> None:
        epoch_path = self.config.out / "checkpoints" / f"epoch-{epoch:03d}.pt"
        save_checkpoint(self.checkpoint_of(model_state(self.model), epoch), epoch_path)
        progress = self.progress
        state = {"module": self.module.state_dict(), "optimizer": self.optimizer.state_dict(), "epoch": epoch}
        extra = {"history": progress.history, "best": progress.best, "bad_epochs": progress.bad_epochs}
        save_state(self.state_path, {"settings": self._settings(), "rng": rng_state(), **state, **extra})

    def finish(self) -> TrainResult:
        """The best epoch's weights, the decode rule chosen on validation, written as OUT/model.pt on rank 0."""
        ctx, best, config = self.ctx, self.progress.best, self.config
        ctx.barrier()
        self.module.load_state_dict(best["state"])
        selection: dict[str, Any] = {}
        if self.head_config.genre_decoder and len(self.examples["val"]):
            # The decode rule and temperature are chosen on the validation split only (never on test).
            self.head_config, selection = choose_decode(self.model, self.examples, device=ctx.device)
        final = self.checkpoint_of(best["state"], best["epoch"])
        final.metrics = {"val_loss": best["val_loss"], "best_epoch": best["epoch"], **selection}
        model_path = config.out / MODEL_FILE
        if ctx.is_main:
            save_checkpoint(final, model_path)
            plot_loss_curve(self.progress.history, config.out / "loss_curve.png", best_epoch=best["epoch"])
        ctx.close()
        history = self.progress.history
        return TrainResult(model_path, final, history, best["epoch"], self.examples, is_main=ctx.is_main)
