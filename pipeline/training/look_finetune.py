"""`pressedplay look finetune`: fine-tune the whole backbone with the genre-look head, on a GPU or, in a quiet window,
on the CPU; a run saves its state every epoch and resumes from it (`--resume`) with the same result.

Why: frozen ImageNet features cap the genre look near 39 % top-1 on held-out covers (docs/model.md "The ceiling");
fine-tuning the whole backbone reached 43.5 % on an H200 with this recipe: AdamW (backbone lr 1e-4, head 1e-3,
weight decay 0.05), a one-cycle schedule, batch 128, 15 epochs, random resized crops (scale 0.55-1) and flips,
label smoothing 0.1, bf16 autocast, flip averaging at evaluation. On an idle 2-core CPU an epoch takes about 7
minutes at 224 px (`python -m bench finetune`), a run about 1.8 hours: scripts/cpu-look-finetune.sh runs it there.
On the CPU a batch is accumulated from micro-batches (32 covers by default), which bounds the memory; only the
batch-norm statistics see the smaller batch.

The covers: pipeline/training/look_covers.py. The result keeps the parent's head layout (so serving is unchanged)
and carries the backbone in float16; its mood head and feature mapping are dropped, since both read the backbone:
run `pressedplay mood fit` on it next.
"""

from __future__ import annotations

import logging
import math
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch

from pipeline.resumable import EpochLog, ResumeRefused, load_state, restore_rng, rng_state, save_state
from pipeline.training.look_config import CPU_MICRO_BATCH, FinetuneConfig
from pipeline.training.look_covers import CoverSplit, augment
from pipeline.training.look_objective import look_loss
from services.inference.model.architectures import EffnetVAE
from services.inference.model.backbone import Lite0Features
from services.inference.model.checkpoint import Checkpoint, model_state, stamp_version

log = logging.getLogger("pressedplay.look_finetune")
__all__ = ["CPU_MICRO_BATCH", "FinetuneConfig", "LookFinetune", "finetune_look", "top1"]


def _normalise(pixels: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    return (pixels / 255.0 - mean) / std


def top1(
    model: EffnetVAE, split: CoverSplit, *, config: FinetuneConfig, mean: torch.Tensor, std: torch.Tensor
) -> float:
    """Share of covers whose flip-averaged likeliest genre is one of theirs."""
    if len(split) == 0:
        return float("nan")
    model.eval()
    hits = 0
    with (
        torch.inference_mode(),
        torch.autocast(config.device.split(":")[0], dtype=torch.bfloat16, enabled=config.device.startswith("cuda")),
    ):
        for start in range(0, len(split), config.batch_size):
            pixels = split.pixels[start : start + config.batch_size].to(config.device).float()
            colour = split.colour[start : start + config.batch_size].to(config.device)
            probs = torch.zeros(pixels.shape[0], split.genres.shape[1], device=pixels.device)
            for view in (pixels, pixels.flip(-1)):
                out = model(_normalise(view, mean, std), stats=colour)
                assert out.logits is not None
                probs += torch.softmax(out.logits.float(), dim=-1)
            best = probs.argmax(dim=1).cpu()
            hits += int(split.genres[start : start + config.batch_size][torch.arange(best.shape[0]), best].sum())
    return hits / len(split)


class LookFinetune:
    """One fine-tuning run: its model, optimiser, schedule and generator, the epochs done and the best so far."""

    def __init__(self, base: Checkpoint, covers: dict[str, CoverSplit], config: FinetuneConfig) -> None:
        if len(covers["train"]) == 0:
            raise ValueError("no training covers")
        torch.manual_seed(config.seed)
        self.base, self.covers, self.config = base, covers, config
        self.generator = torch.Generator().manual_seed(config.seed)
        self.model = _trainable_model(base, config)
        # The parent's backbone, frozen, for the drift term: rebuilt from `base`, so a resumed run has the same one.
        self.reference = _reference(base, config) if config.preserve > 0 else None
        self.mean = torch.tensor(base.transform.mean, device=config.device).view(1, 3, 1, 1)
        self.std = torch.tensor(base.transform.std, device=config.device).view(1, 3, 1, 1)
        steps = max(1, math.ceil(len(covers["train"]) / config.batch_size)) * config.epochs
        self.optimizer, self.schedule = _optimiser(self.model, config, steps=steps)
        self.history: list[dict[str, float]] = []
        self.best: dict[str, Any] = {"val_top1": -1.0}
        self.parent: dict[str, float] = {}  # the parent's top-1 on the same covers, measured before epoch 1
        self.epochs_done = 0

    def state(self) -> dict[str, Any]:
        """Everything the next epoch reads (pipeline/resumable.py)."""
        return {
            "settings": self.config.settings(),
            "epoch": self.epochs_done,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "schedule": self.schedule.state_dict(),
            "rng": rng_state({"augment": self.generator}),
            "history": self.history,
            "best": self.best,
            "parent": self.parent,
        }

    def resume(self, path: Path) -> None:
        """Continue from a saved state of this run (ResumeRefused for another run's)."""
        state = load_state(path, settings=self.config.settings())
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.schedule.load_state_dict(state["schedule"])
        restore_rng(state["rng"], {"augment": self.generator})
        self.history, self.best, self.epochs_done = state["history"], state["best"], int(state["epoch"])
        self.parent = state["parent"]
        log.info("look_finetune.resumed", extra={"epoch": self.epochs_done, "path": str(path)})
        print(
            f"look finetune: resumed from {path}, {self.epochs_done} of {self.config.epochs} epochs done",
            file=sys.stderr,
            flush=True,
        )

    def run(self, *, state_path: Path | None = None, stop_after: int | None = None) -> bool:
        """Train the epochs left (at most `stop_after` of them now), saving the state after each; True when every
        epoch is done."""
        if not self.parent:
            self.parent = {f"{split}_top1": self._top1(split) for split in ("val", "test")}
            log.info("look_finetune.parent", extra=self.parent)
            print(f"look finetune: the parent's top-1 before training: val {self.parent['val_top1']:.4f}, test "
                  f"{self.parent['test_top1']:.4f}", file=sys.stderr, flush=True)  # fmt: skip
        progress = EpochLog("look finetune", self.config.epochs, "val_top1", log, [r["seconds"] for r in self.history])
        for ran, epoch in enumerate(range(self.epochs_done + 1, self.config.epochs + 1), start=1):
            progress.start_epoch()
            loss, drift = self._train_epoch()
            row = {"epoch": float(epoch), "train_loss": loss, "drift": drift}
            row["val_top1"] = self._top1("val")
            self.history.append(progress.end_epoch(row))
            self.epochs_done = epoch
            if not row["val_top1"] <= self.best["val_top1"]:  # NaN (no validation covers) keeps the last epoch
                self.best = {
                    "val_top1": row["val_top1"],
                    "epoch": epoch,
                    "head": model_state(self.model),
                    "backbone": _half(self.model.backbone.net.state_dict()),
                }
            if state_path is not None:
                save_state(state_path, self.state())
            if stop_after is not None and ran >= stop_after:
                break
        return self.epochs_done >= self.config.epochs

    def finish(self) -> Checkpoint:
        """The best epoch's head and backbone, scored on the test covers, as a checkpoint that names its parent."""
        self.model.backbone.net.load_state_dict({k: v.float() for k, v in self.best["backbone"].items()})
        self.model.head.load_state_dict(self.best["head"])
        look = {"val_top1": self.best["val_top1"], "test_top1": self._top1("test"), "flip_averaged": True}
        look.update({f"parent_{k}": v for k, v in self.parent.items()})
        return _tuned_checkpoint(self.base, self.config, best=self.best, look=look)

    def _top1(self, split: str) -> float:
        return top1(self.model, self.covers[split], config=self.config, mean=self.mean, std=self.std)

    def _train_epoch(self) -> tuple[float, float]:
        """One pass over the augmented training covers, a batch accumulated from micro-batches; the mean loss and
        the mean drift (look_objective.py)."""
        model, config, train = self.model, self.config, self.covers["train"]
        model.train()
        # Kept in eval mode: the parent's batch-norm statistics, as the mood read them (with the drift term, the whole
        # backbone, so the term compares the pass the mood reads when serving; look_objective.py).
        held = [model.backbone] if config.preserve > 0 else model.backbone.trunk(config.train_from_block)
        for module in held:
            module.eval()
        micro = config.micro_batch or config.batch_size
        order = torch.randperm(len(train), generator=self.generator)
        total = drift = 0.0
        for start in range(0, len(train), config.batch_size):
            rows = order[start : start + config.batch_size]
            self.optimizer.zero_grad(set_to_none=True)
            for part in torch.split(rows, micro):
                loss, part_drift = self._loss(train, part)
                loss = loss * (len(part) / len(rows))
                loss.backward()  # type: ignore[no-untyped-call]  # torch leaves Tensor.backward unannotated
                total += float(loss.detach()) * len(rows)
                drift += part_drift * len(part)
            self.optimizer.step()
            self.schedule.step()
        return total / len(train), drift / len(train)

    def _loss(self, train: CoverSplit, rows: torch.Tensor) -> tuple[torch.Tensor, float]:
        config = self.config
        pixels = augment(train.pixels[rows].to(config.device), scale=config.crop_scale, generator=self.generator)
        targets = train.genres[rows].to(config.device)
        cuda = config.device.startswith("cuda")
        with torch.autocast(config.device.split(":")[0], dtype=torch.bfloat16, enabled=cuda):
            return look_loss(
                self.model,
                _normalise(pixels, self.mean, self.std),
                colour=train.colour[rows].to(config.device),
                targets=targets / targets.sum(dim=1, keepdim=True),
                label_smoothing=config.label_smoothing,
                beta=config.beta,
                preserve=config.preserve,
                reference=self.reference,
            )


def finetune_look(
    base: Checkpoint,
    covers: dict[str, CoverSplit],
    config: FinetuneConfig,
    *,
    state_path: Path | None = None,
    resume: bool = False,
    stop_after: int | None = None,
) -> tuple[Checkpoint | None, list[dict[str, float]]]:
    """Fine-tune base's backbone and genre-look head on the covers, saving the run's state after every epoch at
    `state_path` (resumed from there with `resume` when it exists); returns the best-validation checkpoint (None
    when `stop_after` epochs ended this session before the last) and the per-epoch history."""
    if state_path is not None and state_path.is_file() and not resume:  # hours of work: never overwritten unasked
        raise ResumeRefused(f"{state_path} holds a run already: --resume continues it; delete it to start afresh")
    run = LookFinetune(base, covers, config)
    if resume and state_path is not None and state_path.is_file():
        run.resume(state_path)
    done = run.run(state_path=state_path, stop_after=stop_after)
    return (run.finish() if done else None), run.history


def _half(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu().half().clone() for k, v in state.items()}


def _trainable_model(base: Checkpoint, config: FinetuneConfig) -> EffnetVAE:
    """The base model with its backbone unfrozen and no mood head, on the device."""
    model = base.build()
    if not isinstance(model, EffnetVAE) or not model.head.config.genre_decoder:
        raise ValueError("look finetune needs an effnet-vae checkpoint with a genre-look head")
    model.mood = None
    model.backbone.frozen = False
    model.backbone.requires_grad_(True)
    for module in model.backbone.trunk(config.train_from_block):
        module.requires_grad_(False)
    return model.to(config.device)


def _reference(base: Checkpoint, config: FinetuneConfig) -> Lite0Features:
    """The parent's backbone, frozen in eval mode: what the drift term measures the tuned one against."""
    model = base.build()
    if not isinstance(model, EffnetVAE):
        raise ValueError("look finetune needs an effnet-vae checkpoint with a genre-look head")
    return model.backbone.to(config.device).eval()  # built frozen: no gradients, eval mode whatever train() says


def _optimiser(
    model: EffnetVAE, config: FinetuneConfig, *, steps: int
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.OneCycleLR]:
    """AdamW with the backbone's and the head's learning rates, on a one-cycle schedule over every step."""
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for p in model.backbone.parameters() if p.requires_grad], "lr": config.backbone_lr},
            {"params": model.head.parameters(), "lr": config.head_lr},
        ],
        weight_decay=config.weight_decay,
    )
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=[config.backbone_lr, config.head_lr], total_steps=steps
    )
    return optimizer, schedule


def _tuned_checkpoint(
    base: Checkpoint, config: FinetuneConfig, *, best: dict[str, Any], look: dict[str, Any]
) -> Checkpoint:
    """The best epoch's head and backbone as a checkpoint that names its parent, stamped with its version."""
    tuned = Checkpoint(
        architecture=base.architecture,
        state_dict=best["head"],
        transform=base.transform,
        training={
            **base.training,
            "look_finetune": {**asdict(config), "parent": base.version, "best_epoch": best["epoch"]},
        },
        metrics={**base.metrics, "look": look},
        head=base.head,
        backbone_state=best["backbone"],
    )
    return stamp_version(tuned)
