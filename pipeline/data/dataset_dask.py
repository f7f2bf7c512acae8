"""Running the dataset builder's shard tasks on dask: the local threaded/processes scheduler or a cluster."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pipeline.data_errors import DatasetError


def _check_reachable(address: str) -> None:
    # A refused connection fails in milliseconds here, where distributed.Client would retry for its whole timeout.
    host_port = address.split("://", 1)[-1]
    host, _, port = host_port.rpartition(":")
    if not host or not port.isdigit():
        return  # not host:port (e.g. inproc://): let distributed judge it
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as exc:
        raise DatasetError(f"cannot reach the dask scheduler at {address}: {exc}") from exc


def run_shards(
    task: Callable[..., dict[str, Any]],
    plan: Sequence[tuple[Path, Sequence[Any]]],
    *,
    task_kwargs: dict[str, Any],
    scheduler_address: str | None,
    scheduler: str,
    progress: bool,
) -> list[dict[str, Any]]:
    """task(jobs, path=..., **task_kwargs) once per shard of `plan` on the local scheduler or a dask cluster."""
    # From their defining modules: the `dask` package does not re-export them for a type checker.
    from dask.base import compute
    from dask.delayed import delayed

    tasks = [delayed(task, pure=False)(jobs, path=path, **task_kwargs) for path, jobs in plan]
    if scheduler_address is None:
        from dask.diagnostics.progress import ProgressBar

        if progress:
            with ProgressBar(out=sys.stderr):  # stdout carries the summary JSON
                return list(compute(*tasks, scheduler=scheduler))
        return list(compute(*tasks, scheduler=scheduler))
    from distributed import Client, as_completed
    from tqdm import tqdm

    _check_reachable(scheduler_address)
    try:
        client = Client(scheduler_address, timeout="15s")
    except OSError as exc:
        raise DatasetError(f"cannot reach the dask scheduler at {scheduler_address}: {exc}") from exc
    with client:
        futures = client.compute(tasks)
        with tqdm(total=len(futures), desc="shards", disable=not progress) as bar:
            for _ in as_completed(futures):
                bar.update(1)
        return list(client.gather(futures))
