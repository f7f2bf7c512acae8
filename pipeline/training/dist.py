"""One process or many: the same training code runs alone or under torchrun (DistributedDataParallel)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn

from services.inference.model.predictor import pick_device


@dataclass(frozen=True)
class DistContext:
    """This process's rank, the world size and its device; `world_size == 1` means no process group."""

    rank: int
    world_size: int
    device: str

    @property
    def is_main(self) -> bool:
        """Rank 0 writes files and shows progress."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        """Whether a process group is in use."""
        return self.world_size > 1

    def wrap(self, module: nn.Module) -> nn.Module:
        """DDP around the trainable module when distributed, the module itself otherwise."""
        if not self.distributed:
            return module
        from torch.nn.parallel import DistributedDataParallel

        device_ids = [torch.device(self.device).index] if self.device.startswith("cuda") else None
        return DistributedDataParallel(module, device_ids=device_ids)

    def barrier(self) -> None:
        """Wait for every rank (no-op alone)."""
        if self.distributed:
            dist.barrier()

    @contextmanager
    def rank_zero_first(self) -> Iterator[None]:
        """Rank 0 runs the block first (e.g. fills a cache); the others run it after rank 0 is done."""
        if not self.is_main:
            self.barrier()
        yield
        if self.is_main:
            self.barrier()

    def close(self) -> None:
        """Leave the process group."""
        if self.distributed and dist.is_initialized():
            dist.destroy_process_group()


def dist_context(device: str | None = None) -> DistContext:
    """Join the process group torchrun describes (WORLD_SIZE, RANK, LOCAL_RANK), or run alone."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return DistContext(rank=0, world_size=1, device=pick_device(device))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    chosen = pick_device(device)
    if chosen == "cuda":
        chosen = f"cuda:{local_rank}"
        torch.cuda.set_device(local_rank)
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if chosen.startswith("cuda") else "gloo")
    return DistContext(rank=rank, world_size=world_size, device=chosen)
