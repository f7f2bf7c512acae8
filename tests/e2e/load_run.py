"""The load run: uploads through the gateway at concurrency 1, 8 and 32; errors, latency percentiles, peak RSS.

Loopback only, bounded in count and time. `make test-all` runs it on the test stack (tests/e2e/test_load_run.py,
report in var/load-run.json); against a running `make run`:

    .venv/bin/python -m tests.e2e.load_run --gateway http://127.0.0.1:8000 [--requests 16] [--levels 1,8,32]
"""

from __future__ import annotations

import argparse
import io
import json
import ssl
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Final
from urllib.parse import urlsplit

import httpx
import psutil
from PIL import Image, ImageDraw

from shared.server_timing import parse_server_timing

LEVELS: Final = (1, 8, 32)
LEVEL_TIME_LIMIT_S: Final = 240.0


@dataclass
class LevelResult:
    """What one concurrency level measured."""

    concurrency: int
    requests: int
    statuses: dict[str, int]
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    wall_s: float
    throughput_per_s: float
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    # Median of each Server-Timing metric the gateway reported on its 201s (where the time of an upload went).
    server_timing_ms: dict[str, float] = field(default_factory=dict)
    # CPU time (user + system, the process and its children) each service spent per answered upload: on a machine
    # with C cores, C * 1000 / their sum bounds the uploads per second.
    cpu_ms_per_upload: dict[str, float] = field(default_factory=dict)


def photo() -> bytes:
    """A 640 x 480 JPEG with some structure (a sky, a sun, a ground)."""
    image = Image.new("RGB", (640, 480), (250, 150, 60))
    draw = ImageDraw.Draw(image)
    draw.ellipse((260, 120, 380, 240), fill=(255, 230, 120))
    draw.rectangle((0, 330, 640, 480), fill=(40, 30, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[min(98, max(0, round(q) - 1))]


class RssSampler:
    """Samples the resident memory of each service's process tree every 0.1 s; keeps the peak."""

    def __init__(self, pids: Mapping[str, int]) -> None:
        self.pids = dict(pids)
        self.peak: dict[str, float] = dict.fromkeys(pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], tree_rss_mb(pid))
            self._stop.wait(0.1)


def process_tree(pid: int) -> list[psutil.Process]:
    """A process and its children (empty when it is gone)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def tree_total(pid: int, measure: Callable[[psutil.Process], float]) -> float:
    """The sum of `measure` over a process tree; processes that end meanwhile count 0."""
    total = 0.0
    for proc in process_tree(pid):
        try:
            total += measure(proc)
        except psutil.Error:
            continue
    return total


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a process and its children so far (0 when it is gone)."""
    return tree_total(pid, lambda proc: sum(proc.cpu_times()[:2]))


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and its children, in MB (0 when it is gone)."""
    return round(tree_total(pid, lambda proc: proc.memory_info().rss) / 1e6, 1)


def run_level(
    gateway: str,
    concurrency: int,
    requests: int,
    pids: Mapping[str, int],
    *,
    image: bytes | None = None,
    form: Mapping[str, str] | None = None,
) -> LevelResult:
    """`requests` uploads of `image` (default: photo()) with `form` fields (default n=10) at `concurrency`, each a
    new visitor; stops early past LEVEL_TIME_LIMIT_S."""
    image = image if image is not None else photo()
    data = dict(form) if form is not None else {"n": "10"}
    deadline = time.monotonic() + LEVEL_TIME_LIMIT_S
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    timings: list[dict[str, float]] = []
    lock = threading.Lock()
    tls = ssl.create_default_context()

    def one(_: int) -> None:
        if time.monotonic() > deadline:
            return
        files = {"image": ("load.jpg", image, "image/jpeg")}
        # A new client per upload (a new visitor: no cookie, a new connection), made before the clock starts. They
        # share one TLS context: building one per client loads the CA certificates, which cost more CPU than the
        # gateway's whole upload, on the cores the stack is measured on (the gateway is plain HTTP on loopback).
        with httpx.Client(base_url=gateway, timeout=120, verify=tls) as client:
            start = time.monotonic()
            try:
                response = client.post("/v1/playlists", files=files, data=data)
                status = str(response.status_code)
                timing = parse_server_timing(response.headers.get("server-timing", "")) if status == "201" else {}
            except httpx.HTTPError as exc:
                status, timing = type(exc).__name__, {}
            took = (time.monotonic() - start) * 1000
        with lock:
            statuses[status] += 1
            latencies.append(took)
            if timing:
                timings.append(timing)

    cpu_before = {name: tree_cpu_s(pid) for name, pid in pids.items()}
    client_cpu_before = time.process_time()  # the load client shares the cores: its cost is reported too
    with RssSampler(pids) as rss, ThreadPoolExecutor(concurrency) as pool:
        began = time.monotonic()
        list(pool.map(one, range(requests)))
        wall = time.monotonic() - began
    cpu_used = {name: tree_cpu_s(pid) - cpu_before[name] for name, pid in pids.items()}
    if pids:
        cpu_used["load client"] = time.process_time() - client_cpu_before
    done = sum(statuses.values())
    return LevelResult(
        concurrency=concurrency,
        requests=done,
        statuses=dict(statuses),
        errors=done - statuses.get("201", 0),
        p50_ms=round(percentile(sorted(latencies), 50)),
        p95_ms=round(percentile(sorted(latencies), 95)),
        p99_ms=round(percentile(sorted(latencies), 99)),
        wall_s=round(wall, 1),
        throughput_per_s=round(done / wall, 2) if wall else 0.0,
        peak_rss_mb=rss.peak,
        cpu_ms_per_upload={name: round(1000 * used / max(1, done), 1) for name, used in cpu_used.items()},
        server_timing_ms={
            name: round(statistics.median(t[name] for t in timings if name in t), 1)
            for name in dict.fromkeys(name for t in timings for name in t)
        },
    )


def requests_for(concurrency: int, base: int) -> int:
    """At least `base` requests, and two rounds of the concurrency."""
    return max(base, 2 * concurrency)


def load_run(
    gateway: str,
    *,
    pids: Mapping[str, int],
    levels: Sequence[int] = LEVELS,
    base_requests: int = 16,
    image: bytes | None = None,
    form: Mapping[str, str] | None = None,
) -> list[LevelResult]:
    """Every level in turn (loopback gateways only)."""
    host = urlsplit(gateway).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"the load run targets loopback only, not {host}")
    return [run_level(gateway, c, requests_for(c, base_requests), pids, image=image, form=form) for c in levels]


def format_table(results: Sequence[LevelResult]) -> str:
    """A markdown table of the results."""
    services = sorted({name for r in results for name in r.peak_rss_mb})
    spenders = sorted({name for r in results for name in r.cpu_ms_per_upload})
    head = ["concurrency", "uploads", "errors", "statuses", "p50 ms", "p95 ms", "p99 ms", "uploads/s"]
    head += [f"peak RSS {name} MB" for name in services] + [f"CPU ms/upload {name}" for name in spenders]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r.statuses.items()))
        cells = [r.concurrency, r.requests, r.errors, statuses, r.p50_ms, r.p95_ms, r.p99_ms, r.throughput_per_s]
        cells += [r.peak_rss_mb.get(name, 0.0) for name in services]
        cells += [r.cpu_ms_per_upload.get(name, 0.0) for name in spenders]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def listening_pids(ports: Mapping[str, int]) -> dict[str, int]:
    """The pid listening on each service's loopback port."""
    found: dict[str, int] = {}
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.pid is not None and conn.laddr:
            for name, port in ports.items():
                if conn.laddr.port == port:
                    found[name] = conn.pid
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: a load run against a running stack; prints the table and writes JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway", default="http://127.0.0.1:8000")
    parser.add_argument("--ports", default="gateway=8000,inference=8001,playlist=8002,feedback=8003")
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--requests", type=int, default=16)
    parser.add_argument("--out", default="var/load-run.json")
    args = parser.parse_args(argv)
    ports = {name: int(port) for name, port in (p.split("=") for p in args.ports.split(","))}
    levels = [int(c) for c in args.levels.split(",")]
    results = load_run(args.gateway, pids=listening_pids(ports), levels=levels, base_requests=args.requests)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump([asdict(r) for r in results], fh, indent=2)
    print(format_table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
