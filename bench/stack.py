"""The stack the end-to-end benchmarks measure: what `make run` starts, as processes on free loopback ports.

The Procfile's services with their production defaults (INFO logs, the shipped model and catalog), a redis-server
holding the sessions as in production, the rate limits raised so the benchmark's one client is never refused.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.servers.process import ServerProcess, free_port
from tests.servers.redis import redis_server, redis_url
from tests.servers.stack import UPSTREAMS, procfile_commands

SERVICES = (*UPSTREAMS, "gateway")
READY_TIMEOUT_S = 240.0


@dataclass(frozen=True)
class BenchStack:
    """Where the started services answer, and the environment they were given (a gateway run in the benchmark's
    own process takes it too)."""

    ports: dict[str, int]
    env: dict[str, str]

    def url(self, name: str) -> str:
        """A service's base URL."""
        return f"http://127.0.0.1:{self.ports[name]}"


def stack_env(ports: dict[str, int], *, redis: str, log_dir: Path) -> dict[str, str]:
    """Every service's settings for this stack (stores under log_dir, never the checkout's var/)."""
    return {
        "PYTHONUNBUFFERED": "1",
        **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
        **{f"{name.upper()}_HOST": "127.0.0.1" for name in ports},
        **{f"GATEWAY_{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}" for name in UPSTREAMS},
        "GATEWAY_REDIS_URL": redis,
        "PLAYLIST_REDIS_URL": redis,
        **{f"GATEWAY_RATE_{group}_BURST": "1000000" for group in ("UPLOADS", "SIGNIN", "RATINGS")},
        "FEEDBACK_SQLITE_PATH": str(log_dir / "ratings.sqlite3"),
        "FEEDBACK_OUTBOX_PATH": str(log_dir / "outbox.sqlite3"),
        "FEEDBACK_PHOTO_STORE": str(log_dir / "photos"),
    }


@contextmanager
def running_stack(
    log_dir: Path, *, checkout: Path | None = None, services: Sequence[str] = SERVICES
) -> Iterator[BenchStack]:
    """Redis and `services` (from `checkout` when given: its code, model and catalog, run by this interpreter),
    each ready; stopped on exit. The gateway's port is reserved even when it is not started here."""
    ports = {name: free_port() for name in SERVICES}
    with ExitStack() as stack:
        redis = stack.enter_context(redis_server(log_dir))
        env = stack_env(ports, redis=redis_url(redis), log_dir=log_dir)
        commands = procfile_commands()
        for name in services:
            server = ServerProcess(
                name, commands[name], port=ports[name], log_dir=log_dir, env=env, cwd=checkout,
                start_timeout_s=READY_TIMEOUT_S,
            )  # fmt: skip
            stack.enter_context(server)
        started = BenchStack(ports=ports, env=env)
        for name in services:
            wait_ready(started.url(name))
        yield started


def wait_ready(url: str) -> None:
    """Poll url/readyz until 200 (models and catalogs load for a while on 2 cores)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} was not ready within {READY_TIMEOUT_S} s")
