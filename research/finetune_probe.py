"""Measure fine-tuning Lite0's last block(s) against the frozen backbone, and horizontal-flip TTA, on validation.

`python -m research.finetune_probe --data var/model-dataset [--train-per-release 1] [--tail-blocks 1]`

The backbone runs once per image up to the input of block 14 (7x7x192, cached as float16 under
var/cache/finetune/); each epoch then runs only the tail (blocks 16-k..15 + head conv) and the genre-decoder head.
Both arms use the same head, loss, hyperparameters (the `pressedplay train` defaults), seed and examples; the
frozen arm trains the head alone, the fine-tune arm also trains the tail (batch norm kept in eval mode). Both are
scored like `choose_decode`: best decode rule x temperature on validation by accuracy + centroid gain.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image, ImageOps
from torch import nn

from pipeline.data.examples import Examples, read_rows, shard_files, subsample
from pipeline.evaluation.evaluate import score
from pipeline.training.decode import TEMPERATURES, genre_indices, install_genre_head
from pipeline.training.train import TrainConfig, seed_everything
from services.inference.model.architectures import EffnetVAE, VAEOutput, vae_loss
from services.inference.model.genre_head import DECODE_RULES
from services.inference.model.transforms import colour_stats, effnet_transform
from shared.features import normalise
from shared.paths import REPO_ROOT

CUT = 14  # cache the input of block 14 (the last two blocks run every epoch)
N_BLOCKS = 16


def prefix(net: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """Stem + blocks[:CUT] (frozen, eval)."""
    x = net._swish(net._bn0(net._conv_stem(images)))  # type: ignore[operator]
    for block in net._blocks[:CUT]:  # type: ignore[index]
        x = block(x)
    prefix_map: torch.Tensor = x  # EfficientNet's blocks are untyped modules: their calls are Any
    return prefix_map


class Tail(nn.Module):
    """Blocks first..15 + the 1x1 head conv: (n, 192, 7, 7) -> (n, 1280, 7, 7)."""

    def __init__(self, net: nn.Module, *, first: int) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(list(net._blocks[first:]))  # type: ignore[index]
        self.conv_head, self.bn1, self.swish = net._conv_head, net._bn1, net._swish

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Cached block input -> the backbone's map."""
        for block in self.blocks:
            x = block(x)
        spatial_map: torch.Tensor = self.swish(self.bn1(self.conv_head(x)))  # type: ignore[operator]
        return spatial_map


def encode(rows: Any, net: nn.Module, *, flip: bool) -> tuple[torch.Tensor, np.ndarray]:
    """JPEG bytes -> (cached block-CUT inputs, colour stats)."""
    transform = effnet_transform()
    chunks: list[torch.Tensor] = []
    stats: list[np.ndarray] = []
    blobs = list(rows["cover"])
    for start in range(0, len(blobs), 64):
        images = []
        for blob in blobs[start : start + 64]:
            with Image.open(io.BytesIO(blob)) as img:
                image = img.convert("RGB")
            images.append(ImageOps.mirror(image) if flip else image)
        stats.extend(colour_stats(i).as_array() for i in images)
        with torch.inference_mode():
            chunks.append(prefix(net, transform.batch(images)).half())
        print(f"  encoded {start + len(images)}/{len(blobs)}", flush=True)
    return torch.cat(chunks), np.stack(stats).astype(np.float32)


def load_cut_inputs(data: Path, net: nn.Module, *, train_per_release: int, seed: int) -> dict[str, Any]:
    """Train / val / flipped-val block inputs, cached on disk."""
    files = shard_files(data)
    key = hashlib.sha256(
        json.dumps([[p.name, p.stat().st_size] for p in files] + [train_per_release, seed, CUT]).encode()
    ).hexdigest()[:12]
    path = REPO_ROOT / "var" / "cache" / "finetune" / f"cut{CUT}-{key}.pt"
    if path.is_file():
        return dict(torch.load(path, weights_only=False))
    rows = read_rows(files)
    out: dict[str, Any] = {}
    for split, per in (("train", train_per_release), ("val", 1)):
        chosen = subsample(rows[rows["split"] == split], per_release=per, seed=seed)
        raw = np.stack([np.asarray(v, dtype=np.float32) for v in chosen["features"]])
        meta = {"targets": normalise(raw), "genres": chosen["genre"].to_numpy(dtype=object),
                "release_ids": chosen["release_id"].astype(str).to_numpy(dtype=object)}  # fmt: skip
        for flip in (False, True) if split == "val" else (False,):
            print(f"encode {split}{' flipped' if flip else ''}: {len(chosen)}", flush=True)
            cut, stats = encode(chosen, net, flip=flip)
            out[split + ("-flip" if flip else "")] = {"inputs": cut, "stats": stats, **meta}
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(out, path)
    return out


def maps_of(tail: nn.Module, cut: torch.Tensor) -> torch.Tensor:
    """Tail outputs in batches (no grad)."""
    with torch.inference_mode():
        return torch.cat([tail(cut[i : i + 256].float()) for i in range(0, len(cut), 256)])


def val_logits(model: EffnetVAE, tail: nn.Module, ex: dict[str, Any]) -> torch.Tensor:
    """Genre logits (latent mean) of the head on the tail's maps."""
    model.head.eval()
    fmap = maps_of(tail, ex["inputs"])
    with torch.inference_mode():
        logits: torch.Tensor = model.head(fmap, stats=torch.from_numpy(ex["stats"])).logits  # Module calls are Any
        return logits


def best_decode(model: EffnetVAE, logits: torch.Tensor, val: Examples, train: Examples) -> dict[str, Any]:
    """The choose_decode grid on validation; returns the best row (accuracy + centroid gain) and top-1."""
    best: dict[str, Any] = {}
    for rule in DECODE_RULES:
        for t in TEMPERATURES:
            cfg = replace(model.head.config, decode=rule, temperature=t)
            out = VAEOutput(logits, logits, logits, logits, logits)  # served() reads only the logits
            pred = model.head.served(out, config=cfg).numpy()
            rep = score(np.clip(pred, 0, 1), val, train, version="", architecture="")
            row: dict[str, Any] = {"decode": rule, "T": t, "acc": rep.genre_accuracy, "gain": rep.centroid_gain}
            if not best or rep.genre_accuracy + rep.centroid_gain > best["acc"] + best["gain"]:
                best = row
    labels = genre_indices(model, val)
    assert labels is not None
    best["top1"] = float((logits.argmax(1) == labels).float().mean())
    return best


def run_arm(cache: dict[str, Any], net_state: dict[str, torch.Tensor], *, finetune: bool, args: Any) -> dict[str, Any]:
    """Train one arm with early stopping on validation loss; returns its validation numbers (plain and flip TTA)."""
    cfg = TrainConfig()
    seed_everything(args.seed)
    model = EffnetVAE(pretrained=False)
    model.backbone.net.load_state_dict(net_state)
    tail = Tail(model.backbone.net, first=N_BLOCKS - args.tail_blocks).eval()
    tail.requires_grad_(finetune)
    tr, va = cache["train"], cache["val"]
    frozen_maps = maps_of(tail, tr["inputs"]).half()

    def as_ex(split: dict[str, Any], maps: torch.Tensor) -> Examples:
        return Examples(maps, split["stats"], split["targets"], split["genres"], split["release_ids"])

    train_ex = as_ex(tr, frozen_maps)
    install_genre_head(
        model,
        train_ex,
        pool_std=cfg.pool_std,
        colour_inputs=cfg.colour_inputs,
        dropout=cfg.dropout,
        device="cpu",
    )
    targets = torch.tensor(train_ex.genre_mean_targets())
    labels = genre_indices(model, train_ex)
    val_ex = as_ex(va, torch.zeros(0))
    val_targets, val_labels = torch.from_numpy(va["targets"]), genre_indices(model, val_ex)
    groups = [{"params": model.head.parameters(), "lr": cfg.lr, "weight_decay": cfg.weight_decay}]
    if finetune:
        groups.append({"params": tail.parameters(), "lr": args.tail_lr, "weight_decay": 1e-4})
    opt = torch.optim.AdamW(groups)
    best: dict[str, Any] = {"loss": float("inf")}
    bad = 0
    for epoch in range(1, args.epochs + 1):
        t0 = time.time()
        model.head.train()
        order = np.random.default_rng([args.seed, epoch]).permutation(len(targets))
        for i in range(0, len(order), cfg.batch_size):
            b = order[i : i + cfg.batch_size]
            fmap = tail(tr["inputs"][b].float()) if finetune else frozen_maps[b].float()
            out = model.head(fmap, stats=torch.from_numpy(tr["stats"][b]))
            loss, _, _ = vae_loss(out, targets[b], beta=cfg.beta, genre_targets=labels[b],  # type: ignore[index]
                                  genre_weight=cfg.genre_weight)  # fmt: skip
            opt.zero_grad(set_to_none=True)
            loss.backward()  # type: ignore[no-untyped-call]  # torch leaves Tensor.backward unannotated
            opt.step()
        model.head.eval()
        with torch.inference_mode():
            out = model.head(maps_of(tail, va["inputs"]), stats=torch.from_numpy(va["stats"]))
            vloss = float(vae_loss(out, val_targets, beta=cfg.beta, genre_targets=val_labels,
                                   genre_weight=cfg.genre_weight)[0])  # fmt: skip
        print(f"  {'finetune' if finetune else 'frozen'} epoch {epoch} val_loss {vloss:.4f} ({time.time() - t0:.0f}s)",
              flush=True)  # fmt: skip
        if vloss < best["loss"]:
            best = {"loss": vloss, "epoch": epoch, "head": {k: v.clone() for k, v in model.head.state_dict().items()},
                    "tail": {k: v.clone() for k, v in tail.state_dict().items()}}  # fmt: skip
            bad = 0
        else:
            bad += 1
            if bad >= cfg.patience:
                break
    model.head.load_state_dict(best["head"])
    tail.load_state_dict(best["tail"])
    val_ex = as_ex(va, torch.zeros(0))
    plain = val_logits(model, tail, va)
    flipped = val_logits(model, tail, cache["val-flip"])
    tta = (torch.softmax(plain, 1) + torch.softmax(flipped, 1)) / 2
    return {
        "best_epoch": best["epoch"],
        "val_loss": best["loss"],
        "plain": best_decode(model, plain, val_ex, train_ex),
        "flip_tta": best_decode(model, tta.log(), val_ex, train_ex),
    }


def main() -> None:
    """Both arms on the same examples; prints and writes var/finetune-probe.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO_ROOT / "var" / "model-dataset")
    parser.add_argument("--train-per-release", type=int, default=1)
    parser.add_argument("--tail-blocks", type=int, default=1, choices=(1, 2))
    parser.add_argument("--tail-lr", type=float, default=1e-4)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--arms", default="frozen,finetune")
    args = parser.parse_args()
    torch.set_num_threads(2)
    model = EffnetVAE(pretrained=True)
    net = model.backbone.net
    cache = load_cut_inputs(args.data, net, train_per_release=args.train_per_release, seed=args.seed)
    for ex in cache.values():  # plain tensors (not inference-mode ones): the tail's backward saves them
        ex["inputs"] = ex["inputs"].clone()
    if args.tail_blocks == 1:  # block 14 is frozen: fold it into the cached inputs
        block14: nn.Module = net._blocks[CUT]  # type: ignore[index,assignment]
        for ex in cache.values():
            ex["inputs"] = maps_of(block14, ex["inputs"]).half().clone()
    results: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()},
                               "examples": {k: len(v["targets"]) for k, v in cache.items()}}  # fmt: skip
    for arm in args.arms.split(","):
        results[arm] = run_arm(cache, net.state_dict(), finetune=arm == "finetune", args=args)
        print(arm, json.dumps({k: v for k, v in results[arm].items()}, default=str), flush=True)
    (REPO_ROOT / "var" / "finetune-probe.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
