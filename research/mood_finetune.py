"""Does fine-tuning Lite0's last stages on the rated photos read mood better than ridge on the frozen stages?

`python -m research.mood_finetune [--before-block 11] [--epochs 4] [--lr 3e-5] [--emotion 0.5] [--preserve 0]`
(from the repository root; needs the shipped model and ../shared/data/affect/emotion6-dev)

The issue's first idea for a mood that reads excitement: fine-tune the backbone on the mood. Scored exactly as the
shipped head is (`pipeline.mood.fit.out_of_fold`: the Emotion6 dev half, 5 outer folds, seed 0) with one more step
inside each training fold: the stages from `--before-block` on (default 11: the last two stages and the head conv;
the stem and blocks 0-10 stay the parent's) are fine-tuned on that fold's training photos alone, then today's ridge
(strength chosen inside the fold) reads the tuned backbone's 2,064 pooled stage means, and predicts the held-out
fold from the tuned backbone's pass over it. So no photo's rating reaches the backbone that scores it.

Fine-tuning loss (a linear read-out trained with the stages, started from ridge on the parent's means): squared
error on the standardised valence and arousal, plus `--emotion` times the cross-entropy against the photo's
emotion shares (ratings.csv's seven p_* columns: what fear, joy and surprise look like), plus `--preserve` times the
tuned stages' pooled drift from the parent's (look_objective.feature_drift's units), which keeps what the genre
look reads. The backbone runs in eval mode (the parent's batch-norm statistics, the pass that serves). Augmentation:
each photo's mirror, drawn half the time. `--read-out joint` scores the held-out fold with the read-out trained
with the stages instead of a ridge refitted on the tuned training photos' means. The settings are fixed before
scoring, not chosen by the outer folds; every setting run is reported (docs/model.md), so a best-of-several is
read as the optimistic number it is.

The frozen part's output is computed once per photo and view (cached under var/cache/mood-finetune/), so a fold
costs only the tail's passes: 3-5 min a fold at one thread beside another job on this machine.
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from PIL import ImageOps
from torch import nn

from pipeline.mood.fit import Learner, _open, choose_alpha, out_of_fold, read_ratings, ridge_learner, spearman
from pipeline.training.look_objective import SPREAD_FLOOR
from research.mood_heads import EMOTIONS
from services.inference.model.architectures import EffnetVAE
from services.inference.model.backbone import Lite0Features
from services.inference.model.mood_head import ridge_fit
from services.inference.model.predictor import Predictor
from shared.paths import REPO_ROOT, shared_data_dir

AFFECT = shared_data_dir() / "affect" / "emotion6-dev"
CACHE = REPO_ROOT / "var" / "cache" / "mood-finetune"
BATCH = 32


def _walk(blocks: list[nn.Module], x: torch.Tensor, *, from_stem: bool) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Run `blocks` from x: (their output, the mean of each stage output they pass). As Lite0Features.stage_maps
    reads it, a stage ends where a block changes the width; the stem's output is no stage, so a walk that starts
    at the stem does not count the first block's change."""
    pooled = []
    for i, block in enumerate(blocks):
        y = block(x)
        if (i > 0 or not from_stem) and int(y.shape[1]) != int(x.shape[1]):
            pooled.append(x.mean(dim=(2, 3)))
        x = y
    return x, pooled


def trunk_pass(backbone: Lite0Features, images: torch.Tensor, before_block: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(the output of blocks < before_block, the pooled means of the stages that end inside them): trunk means +
    Tail means are exactly forward_with_stages' 2,064 (tested)."""
    net = backbone.net
    stem = net._swish(net._bn0(net._conv_stem(images)))  # type: ignore[operator]
    x, pooled = _walk(list(net._blocks)[:before_block], stem, from_stem=True)  # type: ignore[arg-type]
    return x, torch.cat(pooled, dim=1)


class Tail(nn.Module):
    """A copy of Lite0's blocks from before_block on and its head conv: trunk output -> the remaining pooled means."""

    def __init__(self, backbone: Lite0Features, before_block: int) -> None:
        super().__init__()
        net = backbone.net
        self.blocks = nn.ModuleList(copy.deepcopy(list(net._blocks)[before_block:]))  # type: ignore[arg-type]
        # nn.Module's __getattr__ types the untyped package's submodules as Tensors: say what they are
        self.conv_head = copy.deepcopy(cast(nn.Module, net._conv_head))
        self.bn1 = copy.deepcopy(cast(nn.Module, net._bn1))
        self.swish = copy.deepcopy(cast(nn.Module, net._swish))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x, pooled = _walk(list(self.blocks), x, from_stem=False)
        pooled.append(x.mean(dim=(2, 3)))
        pooled.append(self.swish(self.bn1(self.conv_head(x))).mean(dim=(2, 3)))
        return torch.cat(pooled, dim=1)


def tail_means(tail: Tail, maps: np.ndarray) -> np.ndarray:
    """The tail's pooled means of cached trunk maps, batch by batch, no gradients."""
    tail.eval()
    with torch.inference_mode():
        return np.concatenate(
            [tail(torch.from_numpy(maps[s : s + BATCH]).float()).numpy() for s in range(0, len(maps), BATCH)]
        )


def cached_trunk(predictor: Predictor, root: Path, before_block: int, *, mirror: bool) -> dict[str, np.ndarray]:
    """Every rated photo's trunk output (float16) and trunk stage means, under the served view or its mirror."""
    path = CACHE / f"{predictor.version}-b{before_block}-{'mirror' if mirror else 'served'}.npz"
    if path.is_file():
        return dict(np.load(path))
    model = predictor.model
    if not isinstance(model, EffnetVAE):
        raise ValueError("needs an effnet-vae checkpoint")
    files = read_ratings(root)["file"].tolist()
    maps, means = [], []
    for start in range(0, len(files), BATCH):
        images = [_open(root / "images" / name) for name in files[start : start + BATCH]]
        images = [ImageOps.mirror(im) for im in images] if mirror else images
        with torch.inference_mode():
            x, pooled = trunk_pass(model.backbone, predictor.checkpoint.transform.batch(images), before_block)
        maps.append(x.half().numpy())
        means.append(pooled.numpy())
        print(f"trunk pass ({'mirror' if mirror else 'served'}): {start + len(images)}/{len(files)}", flush=True)
    out = {"maps": np.concatenate(maps), "means": np.concatenate(means)}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, maps=out["maps"], means=out["means"])
    return out


@dataclass(frozen=True)
class Tuned:
    """A fine-tuned tail and the linear read-out trained with it: pooled means (n, 2064) -> valence, arousal (1-9)."""

    tail: Tail
    readout: Callable[[np.ndarray], np.ndarray]


def fine_tune(parent: Tail, views: list[dict[str, np.ndarray]], ids: np.ndarray, ratings: np.ndarray,
              shares: np.ndarray, settings: argparse.Namespace) -> Tuned:  # fmt: skip
    """A copy of the tail trained on the rows `ids` (see the module docstring for the loss), with its read-out."""
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    reference = [tail_means(parent, v["maps"][ids]) for v in views]  # the parent's means, per view
    full = np.hstack([views[0]["means"][ids], reference[0]])
    mu, sd = full.mean(axis=0), full.std(axis=0)
    sd = np.maximum(sd, 1e-3 * float(np.median(sd)) + 1e-6)  # a near-constant mean must not blow a step up
    z = (ratings - ratings.mean(axis=0)) / ratings.std(axis=0)
    readout = nn.Linear(full.shape[1], 2 + len(EMOTIONS))
    with torch.no_grad():  # start from ridge on the parent's means, so the first steps move the backbone sensibly
        readout.weight.zero_()
        readout.bias.zero_()
        standard = (full - mu) / sd
        for d in range(2):
            weights, bias, mean, std = ridge_fit(standard, z[:, d], alpha=choose_alpha(standard, z[:, d]))
            slope = np.asarray(weights, dtype=np.float64)[:, 0] / np.asarray(std, dtype=np.float64)
            readout.weight[d] = torch.from_numpy(slope.astype(np.float32))
            readout.bias[d] = float(np.asarray(bias)[0] - (np.asarray(mean, dtype=np.float64) * slope).sum())
    tail = copy.deepcopy(parent)
    tail.eval()  # the parent's batch-norm statistics: the pass that serves
    tail.requires_grad_(True)
    optimiser = torch.optim.AdamW(
        [{"params": tail.parameters(), "lr": settings.lr, "weight_decay": 0.0},
         {"params": readout.parameters(), "lr": settings.lr, "weight_decay": 1e-2}]
    )  # fmt: skip
    mu_t, sd_t = torch.from_numpy(mu).float(), torch.from_numpy(sd).float()
    width = views[0]["means"].shape[1]
    spread = torch.from_numpy(np.maximum(sd[width:] ** 2, SPREAD_FLOOR * float((sd[width:] ** 2).mean()))).float()
    for epoch in range(settings.epochs):
        order, started, total = rng.permutation(len(ids)), time.time(), 0.0
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            view = rng.integers(0, len(views), size=len(rows))
            maps = np.stack([views[v]["maps"][ids[r]] for r, v in zip(rows, view, strict=True)])
            trunk = np.stack([views[v]["means"][ids[r]] for r, v in zip(rows, view, strict=True)])
            parent_means = np.stack([reference[v][r] for r, v in zip(rows, view, strict=True)])
            means = tail(torch.from_numpy(maps).float())
            out = readout((torch.cat([torch.from_numpy(trunk), means], dim=1) - mu_t) / sd_t)
            loss = F.mse_loss(out[:, :2], torch.from_numpy(z[rows]).float())
            loss = loss + settings.emotion * F.cross_entropy(out[:, 2:], torch.from_numpy(shares[rows]).float())
            drift = ((means - torch.from_numpy(parent_means)) ** 2 / spread).mean()
            loss = loss + settings.preserve * drift
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(rows)
        print(f"  epoch {epoch + 1}/{settings.epochs}: loss {total / len(ids):.4f}, drift {float(drift.detach()):.4f}, "
              f"{time.time() - started:.0f} s", flush=True)  # fmt: skip
    centre, scale = ratings.mean(axis=0), ratings.std(axis=0)

    def read(means: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            z_read = readout((torch.from_numpy(means).float() - mu_t) / sd_t)[:, :2].numpy().astype(np.float64)
        read_out: np.ndarray = centre + scale * z_read
        return read_out

    return Tuned(tail, read)


def tuned_learner(parent: Tail, views: list[dict[str, np.ndarray]], shares: np.ndarray,
                  settings: argparse.Namespace) -> Learner:  # fmt: skip
    """A Learner for out_of_fold whose inputs are photo numbers: fine-tune on the fold's photos, then ridge."""

    def learn(inputs: np.ndarray, ratings: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        ids = inputs[:, 0].astype(int)
        tuned = fine_tune(parent, views, ids, ratings, shares[ids], settings)
        tail = tuned.tail
        served = views[0]

        def means(rows: np.ndarray) -> np.ndarray:
            return np.hstack([served["means"][rows], tail_means(tail, served["maps"][rows])])

        if settings.read_out == "joint":  # the read-out trained with the stages, no refit on tuned training means
            return lambda rows: tuned.readout(means(rows[:, 0].astype(int)))
        head = ridge_learner(seed=settings.seed)(means(ids), ratings)
        return lambda rows: head(means(rows[:, 0].astype(int)))

    return learn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=REPO_ROOT / "models" / "effnet-vae.pt")
    parser.add_argument("--before-block", type=int, default=11)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--emotion", type=float, default=0.5)
    parser.add_argument("--preserve", type=float, default=0.0)
    parser.add_argument("--read-out", choices=("ridge", "joint"), default="ridge")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None, help="append the result as one JSON line here")
    settings = parser.parse_args(argv)
    torch.set_num_threads(settings.threads)
    predictor = Predictor.load(settings.model, device="cpu")
    frame = read_ratings(AFFECT)
    ratings = frame[["valence", "arousal"]].to_numpy(dtype=np.float64)
    shares = frame[list(EMOTIONS)].to_numpy(dtype=np.float64)
    shares = shares / shares.sum(axis=1, keepdims=True)
    views = [cached_trunk(predictor, AFFECT, settings.before_block, mirror=m) for m in (False, True)]
    assert isinstance(predictor.model, EffnetVAE)
    parent = Tail(predictor.model.backbone, settings.before_block)
    frozen = np.hstack([views[0]["means"], tail_means(parent, views[0]["maps"])])
    started = time.time()
    results = {"settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(settings).items()}}
    for name, inputs, learner in (
        ("ridge on the parent", frozen, None),
        (f"fine-tuned, read by {settings.read_out}", np.arange(len(frame), dtype=np.float64)[:, None],
         tuned_learner(parent, views, shares, settings)),
    ):  # fmt: skip
        pred = out_of_fold(inputs, ratings, seed=settings.seed, learner=learner)
        results[name] = {d: round(spearman(pred[:, i], ratings[:, i]), 4) for i, d in enumerate(("valence", "arousal"))}
        print(f"{name}: valence {results[name]['valence']:.3f}, arousal {results[name]['arousal']:.3f} "
              f"({(time.time() - started) / 60:.1f} min)", flush=True)  # fmt: skip
    if settings.json is not None:
        with settings.json.open("a", encoding="utf-8") as out:
            out.write(json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
