"""A real redis-server on a free loopback port, in memory only (no RDB/AOF files), for integration and e2e tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.servers.process import ServerProcess, free_port


def redis_server(log_dir: Path) -> ServerProcess:
    """A ServerProcess for redis-server; raises when the binary is missing (make system-deps installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed; run `make system-deps` (scripts/install-system-deps.sh)")
    port = free_port()
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    return ServerProcess("redis", argv, port=port, log_dir=log_dir)


def redis_url(server: ServerProcess, db: int = 0) -> str:
    """The redis:// URL of a started server."""
    return f"redis://127.0.0.1:{server.port}/{db}"
