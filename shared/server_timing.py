"""Server-Timing (W3C): where a request's time went, in a response header any browser's devtools and `make bench` read.

The gateway names its own steps (genres, predict, recommend, photo, store) and carries the inference service's
(decode, model) under an `inference-` prefix, so one upload's answer shows the whole path. Durations only: the
header names no host, path or input.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Final

HEADER: Final = "Server-Timing"
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


class ServerTiming:
    """Durations in milliseconds by step name; the same name twice adds up."""

    def __init__(self) -> None:
        self._ms: dict[str, float] = {}

    def add(self, name: str, ms: float) -> None:
        """Record `ms` against `name` (a token: letters, digits, - and _)."""
        if not _NAME.match(name):
            raise ValueError(f"not a Server-Timing metric name: {name!r}")
        self._ms[name] = self._ms.get(name, 0.0) + max(0.0, ms)

    @contextmanager
    def span(self, name: str) -> Iterator[None]:
        """Time the block (also when it raises) under `name`."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, (time.perf_counter() - started) * 1000)

    def merge(self, header: str, *, prefix: str) -> None:
        """Take an upstream's Server-Timing header in under `prefix-` (unparseable metrics are dropped)."""
        for name, ms in parse_server_timing(header).items():
            if _NAME.match(f"{prefix}-{name}"):
                self.add(f"{prefix}-{name}", ms)

    def as_dict(self) -> dict[str, float]:
        """The recorded durations, in the order first recorded."""
        return dict(self._ms)

    def header(self) -> str:
        """The header value: `genres;dur=3.1, predict;dur=24.0`."""
        return format_server_timing(self._ms)


def format_server_timing(durations: Mapping[str, float]) -> str:
    """`{"decode": 4.21}` -> `decode;dur=4.2`."""
    return ", ".join(f"{name};dur={ms:.1f}" for name, ms in durations.items())


def parse_server_timing(header: str) -> dict[str, float]:
    """`predict;dur=12.3, recommend;dur=4.1` -> {"predict": 12.3, "recommend": 4.1}; metrics without dur are left
    out, and so is anything malformed."""
    timings: dict[str, float] = {}
    for metric in header.split(","):
        name, *params = (part.strip() for part in metric.split(";"))
        for param in params:
            key, _, value = param.partition("=")
            if not name or key.strip().lower() != "dur":
                continue
            try:
                ms = float(value.strip().strip('"'))
            except ValueError:
                continue
            if math.isfinite(ms) and ms >= 0:
                timings[name] = ms
    return timings
