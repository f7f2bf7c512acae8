"""`pressedplay look finetune`: fine-tune the whole backbone with the genre-look head, on a GPU when there is one.

Why: frozen ImageNet features cap the genre look near 39 % top-1 on held-out covers (docs/model.md "The ceiling");
fine-tuning the whole backbone reached 43.5 % on an H200 with this recipe: AdamW (backbone lr 1e-4, head 1e-3,
weight decay 0.05), a one-cycle schedule, batch 128, 15 epochs, random resized crops (scale 0.55-1) and flips,
label smoothing 0.1, bf16 autocast, flip averaging at evaluation. On a 2-core CPU one epoch takes about half an
hour (`python -m bench finetune`), so this runs where CUDA is; the CPU path exists for tests on tiny data.

Data: the covers folder (index.csv or genre folders, `pipeline.data.covers`), one image per release, split by
release exactly as `pressedplay dataset build` splits (same seed, same assignment), squashed to 224 px once and
kept as uint8 in memory. A release filed under several genres counts as right when the look names any of them.
The colour statistics the head reads are taken from the un-augmented cover.

The result keeps the parent's head layout (so serving is unchanged) and carries the backbone in float16; its mood
head and feature mapping are dropped, since both read the backbone: run `pressedplay mood fit` on it next.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from PIL import Image

from pipeline.data.covers import assign_splits, read_releases
from services.inference.model.architectures import EffnetVAE
from services.inference.model.checkpoint import Checkpoint, model_state, stamp_version
from services.inference.model.transforms import colour_stats

log = logging.getLogger("pressedplay.look_finetune")


@dataclass(frozen=True)
class FinetuneConfig:
    """The recipe (defaults: the H200 run in the module docstring)."""

    epochs: int = 15
    batch_size: int = 128
    backbone_lr: float = 1e-4
    head_lr: float = 1e-3
    weight_decay: float = 0.05
    label_smoothing: float = 0.1
    crop_scale: tuple[float, float] = (0.55, 1.0)
    beta: float = 1e-4
    seed: int = 0
    device: str = "cpu"
    image_size: int = 224


@dataclass
class CoverSplit:
    """One split's covers: (n, 3, s, s) uint8 pixels, (n, g) multi-hot genres, (n, 3) colour stats."""

    pixels: torch.Tensor
    genres: torch.Tensor
    colour: torch.Tensor
    release_ids: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.pixels.shape[0])


def load_covers(covers_dir: Path, *, genres: tuple[str, ...], size: int, seed: int = 0) -> dict[str, CoverSplit]:
    """Every release's first cover, squashed to `size`, grouped by the dataset's split of releases."""
    releases = read_releases(covers_dir)
    splits = assign_splits(releases, seed=seed)
    index = {g: i for i, g in enumerate(genres)}
    grouped: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray, str]]] = {"train": [], "val": [], "test": []}
    for release in releases:
        known = [index[g] for g in release.genres if g in index]
        if not known:
            continue
        with Image.open(release.path) as opened:
            image = opened.convert("RGB").resize((size, size), Image.Resampling.BILINEAR)
        multi_hot = np.zeros(len(genres), dtype=np.float32)
        multi_hot[known] = 1.0
        pixels = np.asarray(image).transpose(2, 0, 1).copy()
        grouped[splits[release.release_id]].append(
            (pixels, multi_hot, colour_stats(image).as_array(), release.release_id)
        )
    out = {}
    for split, rows in grouped.items():
        out[split] = CoverSplit(
            pixels=torch.from_numpy(np.stack([r[0] for r in rows])) if rows else torch.empty(0, 3, size, size),
            genres=torch.from_numpy(np.stack([r[1] for r in rows])) if rows else torch.empty(0, len(genres)),
            colour=torch.from_numpy(np.stack([r[2] for r in rows])) if rows else torch.empty(0, 3),
            release_ids=[r[3] for r in rows],
        )
    return out


def augment(pixels: torch.Tensor, *, scale: tuple[float, float], generator: torch.Generator) -> torch.Tensor:
    """Per image: a random resized crop (area `scale`, aspect 3/4-4/3) back to the same size, and a random flip."""
    n, _, height, width = pixels.shape
    out = torch.empty(pixels.shape, dtype=torch.float32, device=pixels.device)
    for i in range(n):
        area = height * width * float(torch.empty(1).uniform_(*scale, generator=generator))
        ratio = math.exp(float(torch.empty(1).uniform_(math.log(3 / 4), math.log(4 / 3), generator=generator)))
        h = min(height, max(8, round(math.sqrt(area / ratio))))
        w = min(width, max(8, round(math.sqrt(area * ratio))))
        top = int(torch.randint(0, height - h + 1, (1,), generator=generator))
        left = int(torch.randint(0, width - w + 1, (1,), generator=generator))
        crop = pixels[i : i + 1, :, top : top + h, left : left + w].float()
        crop = F.interpolate(crop, size=(height, width), mode="bilinear", align_corners=False)
        out[i] = crop[0].flip(-1) if bool(torch.randint(0, 2, (1,), generator=generator)) else crop[0]
    return out


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


def finetune_look(
    base: Checkpoint, covers: dict[str, CoverSplit], config: FinetuneConfig
) -> tuple[Checkpoint, list[dict[str, float]]]:
    """Fine-tune base's backbone and genre-look head on the covers; returns the best-validation checkpoint and the
    per-epoch history."""
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    model = _trainable_model(base, config)
    mean = torch.tensor(base.transform.mean, device=config.device).view(1, 3, 1, 1)
    std = torch.tensor(base.transform.std, device=config.device).view(1, 3, 1, 1)
    train = covers["train"]
    if len(train) == 0:
        raise ValueError("no training covers")
    optimizer, schedule = _optimiser(
        model, config, steps=max(1, math.ceil(len(train) / config.batch_size)) * config.epochs
    )
    history: list[dict[str, float]] = []
    best: dict[str, Any] = {"val_top1": -1.0}
    for epoch in range(1, config.epochs + 1):
        loss = _train_epoch(model, train, optimizer, schedule, config=config, generator=generator, mean=mean, std=std)
        row = {"epoch": float(epoch), "train_loss": loss}
        row["val_top1"] = top1(model, covers["val"], config=config, mean=mean, std=std)
        history.append(row)
        log.info("look_finetune.epoch", extra=row)
        if not row["val_top1"] <= best["val_top1"]:  # NaN (no validation covers) keeps the last epoch
            best = {
                "val_top1": row["val_top1"],
                "epoch": epoch,
                "head": model_state(model),
                "backbone": {k: v.detach().cpu().half().clone() for k, v in model.backbone.net.state_dict().items()},
            }
    model.backbone.net.load_state_dict({k: v.float() for k, v in best["backbone"].items()})
    model.head.load_state_dict(best["head"])
    test = top1(model, covers["test"], config=config, mean=mean, std=std)
    return _tuned_checkpoint(base, config, best=best, test_top1=test), history


def _trainable_model(base: Checkpoint, config: FinetuneConfig) -> EffnetVAE:
    """The base model with its backbone unfrozen and no mood head, on the device."""
    model = base.build()
    if not isinstance(model, EffnetVAE) or not model.head.config.genre_decoder:
        raise ValueError("look finetune needs an effnet-vae checkpoint with a genre-look head")
    model.mood = None
    model.backbone.frozen = False
    model.backbone.requires_grad_(True)
    return model.to(config.device)


def _optimiser(
    model: EffnetVAE, config: FinetuneConfig, *, steps: int
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.OneCycleLR]:
    """AdamW with the backbone's and the head's learning rates, on a one-cycle schedule over every step."""
    optimizer = torch.optim.AdamW(
        [
            {"params": model.backbone.parameters(), "lr": config.backbone_lr},
            {"params": model.head.parameters(), "lr": config.head_lr},
        ],
        weight_decay=config.weight_decay,
    )
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=[config.backbone_lr, config.head_lr], total_steps=steps
    )
    return optimizer, schedule


def _train_epoch(
    model: EffnetVAE,
    train: CoverSplit,
    optimizer: torch.optim.Optimizer,
    schedule: torch.optim.lr_scheduler.OneCycleLR,
    *,
    config: FinetuneConfig,
    generator: torch.Generator,
    mean: torch.Tensor,
    std: torch.Tensor,
) -> float:
    """One pass over the augmented training covers; the mean training loss."""
    model.train()
    cuda = config.device.startswith("cuda")
    order = torch.randperm(len(train), generator=generator)
    total = 0.0
    for start in range(0, len(train), config.batch_size):
        rows = order[start : start + config.batch_size]
        pixels = augment(train.pixels[rows].to(config.device), scale=config.crop_scale, generator=generator)
        targets = train.genres[rows].to(config.device)
        targets = targets / targets.sum(dim=1, keepdim=True)
        with torch.autocast(config.device.split(":")[0], dtype=torch.bfloat16, enabled=cuda):
            out = model(_normalise(pixels, mean, std), stats=train.colour[rows].to(config.device))
            assert out.logits is not None
            loss = F.cross_entropy(out.logits.float(), targets, label_smoothing=config.label_smoothing)
            kl = (-0.5 * (1 + out.logvar - out.mu.pow(2) - out.logvar.exp())).sum(dim=1).mean()
            loss = loss + config.beta * kl.float()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        total += float(loss.detach()) * len(rows)
    return total / len(train)


def _tuned_checkpoint(
    base: Checkpoint, config: FinetuneConfig, *, best: dict[str, Any], test_top1: float
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
        metrics={**base.metrics, "look": {"val_top1": best["val_top1"], "test_top1": test_top1, "flip_averaged": True}},
        head=base.head,
        backbone_state=best["backbone"],
    )
    return stamp_version(tuned)


def pack_covers(covers_dir: Path, out: Path, *, size: int = 224, quality: int = 70) -> int:
    """Every release's first cover squashed to `size` as WebP + an index.csv: what a GPU machine is sent. At quality
    70 the shared covers take ~24 MB, which with the repository (~12 MB) and the wheels the device lacks (~21 MB)
    stays under its 64 MiB. Returns the number of covers written."""
    import csv

    releases = read_releases(covers_dir)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "index.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "genre", "discogs_release_id"])
        for release in releases:
            name = f"{release.release_id}.webp"
            with Image.open(release.path) as opened:
                opened.convert("RGB").resize((size, size), Image.Resampling.BILINEAR).save(out / name, quality=quality)
            for genre in release.genres:
                writer.writerow([name, genre, release.release_id])
    return len(releases)
