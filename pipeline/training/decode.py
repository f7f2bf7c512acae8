"""effnet-vae's genre-decoder head at training time: how it is set up, and how its decode rule is chosen.

The head (services/inference/model/genre_head.py) decodes features from a genre posterior. Training sets it up
from the training split (genre list, centroids = the genres' mean normalised targets, input standardisation), and
after training picks the decode rule ("mean" or "median") and the temperature on the **validation** split.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import torch

from pipeline.data.examples import Examples
from pipeline.evaluation.evaluate import genre_centroids, head_outputs, score
from services.inference.model.architectures import EffnetVAE, SeedCNN, VAEAttentionHead
from services.inference.model.backbone import LITE0_CHANNELS
from services.inference.model.genre_head import DECODE_RULES, HeadConfig

TEMPERATURES = (2.0, 1.5, 1.0, 0.7, 0.5, 0.35, 0.25)


def install_genre_head(
    model: EffnetVAE, train: Examples, *, pool_std: bool, colour_inputs: bool, dropout: float, device: str
) -> HeadConfig:
    """Replace the model's head by a genre-decoder head fitted to the training split; returns its config."""
    genres, centroids = genre_centroids(train)
    head_config = HeadConfig(genres=tuple(genres), pool_std=pool_std, colour_inputs=colour_inputs, decode="mean")
    head = VAEAttentionHead(
        channels=LITE0_CHANNELS, positions=49, flatten=False, dropout=dropout, config=head_config
    ).to(device)
    with torch.no_grad():
        head.centroids.copy_(torch.from_numpy(centroids))
        # Standardise the pooled inputs with their training-set statistics under the initial attention.
        pooled = []
        for start in range(0, len(train), 512):
            stats = torch.from_numpy(train.stats[start : start + 512]).to(device)
            pooled.append(head.pooled(train.inputs[start : start + 512].to(device).float(), stats)[0])
        everything = torch.cat(pooled)
        head.input_mean.copy_(everything.mean(dim=0))
        head.input_std.copy_(everything.std(dim=0).clamp_min(1e-2))  # real channels: >= 0.05
    model.head = head
    return head_config


def genre_indices(model: SeedCNN | EffnetVAE, examples: Examples) -> torch.Tensor | None:
    """Each example's genre as an index into the head's genre list (None for heads without a genre decoder)."""
    genres = model.head.config.genres
    if not genres:
        return None
    index = {g: i for i, g in enumerate(genres)}
    # A genre the training split never saw gets ignore_index (-100): it adds nothing to the cross-entropy.
    return torch.tensor([index.get(str(g), -100) for g in examples.genres], dtype=torch.long)


def choose_decode(
    model: SeedCNN | EffnetVAE, examples: dict[str, Examples], *, device: str
) -> tuple[HeadConfig, dict[str, Any]]:
    """Try every decode rule x temperature on the validation split and keep the best; sets it on the head.

    Criterion: validation nearest-centroid accuracy + centroid gain (the two genre numbers the evaluation reports),
    both of the model alone (no mood prior). Returns the chosen config and the table of what was tried.
    """
    if not isinstance(model, EffnetVAE) or not model.head.config.genre_decoder:
        raise ValueError("only an effnet-vae genre-decoder head has a decode rule to choose")
    val, train = examples["val"], examples["train"]
    outs = head_outputs(model, val, device=device)
    tried: list[dict[str, Any]] = []
    best: tuple[float, HeadConfig] | None = None
    for rule in DECODE_RULES:
        for temperature in TEMPERATURES:
            candidate = replace(model.head.config, decode=rule, temperature=temperature)
            pred = np.concatenate([model.head.served(o, config=candidate).cpu().numpy() for o in outs])
            report = score(np.clip(pred, 0.0, 1.0), val, train, version="", architecture="")
            value = report.genre_accuracy + report.centroid_gain
            tried.append(
                {
                    "decode": rule,
                    "temperature": temperature,
                    "val_genre_accuracy": round(report.genre_accuracy, 4),
                    "val_centroid_gain": round(report.centroid_gain, 4),
                    "val_mean_mae": round(report.mean_mae, 4),
                }
            )
            if best is None or value > best[0]:
                best = (value, candidate)
    assert best is not None  # the grid is not empty
    model.head.config = best[1]
    chosen = next(t for t in tried if t["decode"] == best[1].decode and t["temperature"] == best[1].temperature)
    return best[1], {"decode_selection": {"criterion": "val accuracy + val centroid gain", "chosen": chosen,
                                          "tried": tried}}  # fmt: skip
