"""What fine-tuning the whole EfficientNet-Lite0 backbone costs on this machine (the genre-look recipe of issue 8).

    python -m bench finetune
    PRESSEDPLAY_BENCH_STEPS=5 python -m bench finetune

The recipe measured on an H200 (docs/model.md "The genre look"): whole backbone + head, AdamW, batch 128, 15
epochs over ~4,100 training covers at 224 px. Here one optimiser step (forward + backward + AdamW) of the whole
backbone and a linear genre head is timed at batch 32 and 224 / 160 px in fp32 on the CPU (bf16 autocast where
CUDA is present), and the per-epoch and per-run cost is extrapolated. Writes the `finetune` section of
bench/RESULTS.md; nothing is asserted.
"""

from __future__ import annotations

import os
import time

from bench.results import machine_line, write_section

TRAIN_COVERS = 4088
EPOCHS = 15
BATCH = 32


def _step_seconds(size: int, steps: int, device: str) -> float:
    import torch

    from services.inference.model.backbone import LITE0_CHANNELS, Lite0Features

    backbone = Lite0Features(frozen=False).to(device).train()
    head = torch.nn.Linear(LITE0_CHANNELS, 5).to(device)
    optimizer = torch.optim.AdamW([*backbone.parameters(), *head.parameters()], lr=1e-4, weight_decay=0.05)
    images = torch.randn(BATCH, 3, size, size, device=device)
    labels = torch.randint(0, 5, (BATCH,), device=device)
    times = []
    for _ in range(steps + 1):  # the first step warms up allocators and kernels
        start = time.perf_counter()
        with torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda"):
            loss = torch.nn.functional.cross_entropy(head(backbone(images).mean(dim=(2, 3))), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if device == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return sorted(times[1:])[len(times[1:]) // 2]


def main() -> None:
    """Time the step at 224 and 160 px; print and write the extrapolated epoch and run times."""
    import torch

    torch.set_num_threads(int(os.environ.get("PRESSEDPLAY_BENCH_THREADS", "2")))
    device = "cuda" if torch.cuda.is_available() else "cpu"
    steps = int(os.environ.get("PRESSEDPLAY_BENCH_STEPS", "3"))
    rows = []
    for size in (224, 160):
        step = _step_seconds(size, steps, device)
        per_image = step / BATCH
        epoch_min = per_image * TRAIN_COVERS / 60
        rows.append(f"| {size} px | {step:.2f} | {per_image:.3f} | {epoch_min:.1f} | {epoch_min * EPOCHS / 60:.1f} |")
        print(rows[-1], flush=True)
    body = "\n".join(
        [
            "## Fine-tuning the whole backbone (the genre-look recipe of issue 8)",
            "",
            machine_line(device) + f" torch threads {torch.get_num_threads()}.",
            f"Command: `python -m bench finetune`. One AdamW step of EfficientNet-Lite0 + a linear head at batch "
            f"{BATCH}, median of {steps} after a warm-up; epochs of {TRAIN_COVERS:,} covers, runs of {EPOCHS} epochs.",
            "",
            "| input | s per step (batch 32) | s per image | min per epoch | h per 15-epoch run |",
            "|---|---|---|---|---|",
            *rows,
        ]
    )
    write_section("finetune", body)
