"""The genre-look fine-tune's recipe (pipeline/training/look_finetune.py runs it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

CPU_MICRO_BATCH = 32  # covers per forward pass on the CPU: ~3.4 s a step at 224 px, a few GB of activations


@dataclass(frozen=True)
class FinetuneConfig:
    """The recipe (defaults: the H200 run in look_finetune's docstring); `micro_batch` 0 is the whole batch."""

    epochs: int = 15
    batch_size: int = 128
    micro_batch: int = 0
    backbone_lr: float = 1e-4
    head_lr: float = 1e-3
    weight_decay: float = 0.05
    label_smoothing: float = 0.1
    crop_scale: tuple[float, float] = (0.55, 1.0)
    beta: float = 1e-4
    seed: int = 0
    device: str = "cpu"
    image_size: int = 224
    # Lite0 block where training starts (0: the whole backbone). The stem and the blocks before it keep the parent's
    # weights and batch-norm statistics, so the mood's pooled taps of those stages stay as they were (11: the last
    # two stages and the head conv train, the first five stages are the parent's).
    train_from_block: int = 0
    # Weight of the drift of the pooled stage outputs from the parent's (pipeline/training/look_objective.py); 0: the
    # look alone, as the H200 recipe. With it on, the backbone trains with its batch-norm statistics frozen.
    preserve: float = 0.0

    def settings(self) -> dict[str, Any]:
        """What makes two runs the same run (a resume must match them; the device may differ)."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items() if k != "device"}
