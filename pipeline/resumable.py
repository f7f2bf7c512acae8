"""What lets a long training run stop and go on: its state saved at the end of every epoch, and a progress line a
person can watch.

Why: the whole-backbone fine-tune takes hours on this project's 2-core CPUs, on a machine shared with other work; a
run stopped by a reboot, a Ctrl-C or a busy afternoon must continue from its last finished epoch, and give the
same weights as a run that never stopped. So the state holds everything the next epoch reads: the weights, the
optimiser's and the schedule's state, every random generator (Python's, NumPy's legacy one, torch's CPU and CUDA
ones and the run's own `torch.Generator`s), the history and the best epoch so far, and the settings the run was
started with (a resume under other settings is refused, since it would not be the same run). It is written to a
temp file and renamed, so a stop while writing leaves the previous epoch's state whole. Everything in it is a
tensor or a plain value, so it loads with `weights_only=True`.
"""

from __future__ import annotations

import logging
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from shared.errors import InvalidInput

STATE_FORMAT = "pressedplay-run-state"


class ResumeRefused(InvalidInput):
    """A saved run state that is not one, or was started with other settings than the run asked to resume (422)."""


def rng_state(generators: dict[str, torch.Generator] | None = None) -> dict[str, Any]:
    """Every random generator a training epoch may draw from, as tensors and plain values."""
    kind, keys, pos, has_gauss, cached = np.random.get_state(legacy=True)
    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": {
            "kind": kind,
            "keys": torch.from_numpy(np.asarray(keys, dtype=np.int64)),
            "pos": int(pos),
            "has_gauss": int(has_gauss),
            "cached": float(cached),
        },
        "torch": torch.get_rng_state(),
        "generators": {name: g.get_state() for name, g in (generators or {}).items()},
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict[str, Any], generators: dict[str, torch.Generator] | None = None) -> None:
    """Put every generator back where `rng_state` found it."""
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    numpy = state["numpy"]
    keys = numpy["keys"].numpy().astype(np.uint32)
    np.random.set_state((numpy["kind"], keys, numpy["pos"], numpy["has_gauss"], numpy["cached"]))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    for name, generator in (generators or {}).items():
        generator.set_state(state["generators"][name])


def save_state(path: Path, state: dict[str, Any]) -> Path:
    """Write a run's state atomically (temp file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(path.suffix + ".tmp")
    torch.save({"format": STATE_FORMAT, **state}, temp)
    temp.replace(path)
    return path


def load_state(path: Path, *, settings: dict[str, Any]) -> dict[str, Any]:
    """A saved state, checked to be one and to come from a run with these `settings`; ResumeRefused otherwise."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises pickle, zip and runtime errors for a file that is not a state
        raise ResumeRefused(f"{path} could not be read as a run state ({type(exc).__name__})") from exc
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        raise ResumeRefused(f"{path} is not a saved training run")
    saved = state.get("settings", {})
    changed = {k: (saved.get(k), v) for k, v in settings.items() if saved.get(k) != v}
    if changed:
        listed = ", ".join(f"{k}: saved {old!r}, asked {new!r}" for k, (old, new) in sorted(changed.items()))
        raise ResumeRefused(f"{path} is a run with other settings ({listed}); resume it with them or start afresh")
    return state


@dataclass
class EpochLog:
    """One line per finished epoch: the epoch, its loss, the validation metric, how long it took, how long is left
    (the mean epoch time so far, resumed epochs included, times the epochs to go)."""

    name: str
    epochs: int
    metric: str
    logger: logging.Logger
    seconds: list[float] = field(default_factory=list)
    echo: bool = True
    started: float = field(default_factory=time.perf_counter)

    def start_epoch(self) -> None:
        """Mark the start of an epoch."""
        self.started = time.perf_counter()

    def end_epoch(self, row: dict[str, float]) -> dict[str, float]:
        """Add the epoch's duration and the estimate of what is left to `row`, print and log it; returns the row."""
        took = time.perf_counter() - self.started
        self.seconds.append(took)
        left = float(np.mean(self.seconds)) * (self.epochs - int(row["epoch"]))
        row = {**row, "seconds": round(took, 1), "seconds_left": round(left, 1)}
        if self.echo:
            print(
                f"{self.name}: epoch {int(row['epoch'])}/{self.epochs}, loss {row['train_loss']:.4f}, "
                f"{self.metric} {row[self.metric]:.4f}, {_duration(took)} this epoch, ~{_duration(left)} left",
                file=sys.stderr,
                flush=True,
            )
        self.logger.info(f"{self.name.replace(' ', '_')}.epoch", extra=row)
        return row


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.1f} min"
    return f"{seconds:.0f} s"


class ChunkStore:
    """The finished chunks of a long pass over a dataset (one .npz each, written atomically) in `folder`, so a pass
    stopped part-way redoes only the chunk it was in. No folder: nothing is kept (a pass that is not cached)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _path(self, start: int) -> Path:
        assert self.folder is not None
        return self.folder / f"{start:06d}.npz"

    def load(self, start: int) -> dict[str, np.ndarray] | None:
        """The arrays of the chunk that begins at row `start`, when an earlier pass finished it."""
        if self.folder is None or not self._path(start).is_file():
            return None
        with np.load(self._path(start), allow_pickle=False) as data:
            return {name: data[name] for name in data.files}

    def save(self, start: int, arrays: dict[str, np.ndarray]) -> None:
        """Keep a finished chunk (temp file, then rename: a stop while writing leaves no half chunk)."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        temp = self._path(start).with_suffix(".tmp")
        with temp.open("wb") as handle:
            np.savez(handle, **arrays)  # type: ignore[arg-type]
        temp.replace(self._path(start))

    def clear(self) -> None:
        """Forget the chunks (the pass's whole result is kept elsewhere now)."""
        if self.folder is not None and self.folder.is_dir():
            for chunk in self.folder.glob("*.npz"):
                chunk.unlink()
            self.folder.rmdir()


@dataclass
class PassLog:
    """A progress line per chunk of a long pass: rows done, seconds a row, time left (for this session's rows)."""

    name: str
    rows: int
    echo: bool = True
    started: float = field(default_factory=time.perf_counter)
    done_here: int = 0

    def chunk_done(self, end: int, *, computed: int) -> None:
        """`end` rows are done, `computed` of them by this chunk in this session (0 when read back from disk)."""
        if computed == 0:
            return
        self.done_here += computed
        each = (time.perf_counter() - self.started) / self.done_here
        if self.echo:
            left = _duration(each * (self.rows - end))
            print(f"{self.name}: {end}/{self.rows}, {each:.2f} s each, ~{left} left", file=sys.stderr, flush=True)
