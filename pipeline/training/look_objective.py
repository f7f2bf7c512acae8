"""What the genre-look fine-tune minimises: the look's cross-entropy on the covers, the head's small KL term, and,
when asked, how far the backbone's pooled stage outputs drift from its parent's.

Why the drift term: the mood head is a ridge regression on the mean over positions of every Lite0 stage and of the
head conv (`Lite0Features.forward_with_stages`). Fine-tuning on covers alone moved those means: the whole-backbone
run read the covers three points better as served, but the mood refitted on it fell from 0.743 / 0.325 to
0.714 / 0.269 (docs/model.md). Holding each pooled tap near the parent's on the same augmented covers (a
"learning without forgetting" penalty, in units of the parent's own spread of each channel, as the ridge sees its
standardised inputs) lets the spatial map the look reads change while the numbers the mood reads stay near. It
needs no mood labels, so the mood refitted afterwards is still cross-validated honestly.

With the term on, both backbones run in eval mode (look_finetune.py keeps the tuned one there): the parent's
batch-norm statistics and no drop-connect, the pass the mood reads when serving. The two passes then differ only by
their weights, so the drift is exactly 0 before the first step, and batch-norm statistics cannot drift towards the
covers' behind the term's back.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812

from services.inference.model.architectures import EffnetVAE
from services.inference.model.backbone import Lite0Features

# A channel's spread is floored at this share of its tap's mean spread, so a channel that barely varies within the
# batch does not turn a small change into a huge one.
SPREAD_FLOOR = 0.1


def feature_drift(maps: list[torch.Tensor], reference: list[torch.Tensor]) -> torch.Tensor:
    """Mean over taps of each pooled channel's squared change, in units of the parent's variance of that channel in
    this batch: 0 when the backbone still pools as its parent did; the same for maps scaled by any constant."""
    terms = []
    for tuned, parent in zip(maps, reference, strict=True):
        pooled, target = tuned.float().mean(dim=(2, 3)), parent.float().mean(dim=(2, 3))
        variance = target.var(dim=0, unbiased=False) if target.shape[0] > 1 else torch.ones_like(target[0])
        spread = variance.clamp_min(SPREAD_FLOOR * float(variance.mean()) + 1e-12)
        terms.append(((pooled - target) ** 2 / spread).mean())
    return torch.stack(terms).mean()


def look_loss(
    model: EffnetVAE,
    images: torch.Tensor,
    *,
    colour: torch.Tensor,
    targets: torch.Tensor,
    label_smoothing: float,
    beta: float,
    preserve: float = 0.0,
    reference: Lite0Features | None = None,
) -> tuple[torch.Tensor, float]:
    """(the loss to step on, the drift it holds: 0.0 without the term). `targets` are the covers' genre shares."""
    holding = reference is not None and preserve > 0
    if holding:
        maps = model.backbone.stage_maps(images)  # every tap the mood reads; the last is what model(images) reads
        out = model.head(maps[-1], stats=colour)
    else:
        out = model(images, stats=colour)
    assert out.logits is not None
    loss = F.cross_entropy(out.logits.float(), targets, label_smoothing=label_smoothing)
    kl = (-0.5 * (1 + out.logvar - out.mu.pow(2) - out.logvar.exp())).sum(dim=1).mean()
    total: torch.Tensor = loss + beta * kl.float()
    if not holding or reference is None:
        return total, 0.0
    with torch.no_grad():
        parent = reference.stage_maps(images)
    drift = feature_drift(maps, parent)
    return total + preserve * drift, float(drift.detach())
