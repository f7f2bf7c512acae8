"""A real DynamoDB-API server (dynalite, pinned in tools/dynamodb/) on a free loopback port, in memory.

dynalite implements the DynamoDB wire protocol on node; `make install` runs `npm ci` in tools/dynamodb/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from shared.paths import REPO_ROOT
from tests.servers.process import ServerProcess, free_port

DYNALITE = REPO_ROOT / "tools" / "dynamodb" / "node_modules" / ".bin" / "dynalite"

# Credentials the server ignores but boto3 insists on; region matches the services' default.
DYNAMODB_ENV = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": "us-east-1"}


def dynamodb_server(log_dir: Path, *, data_dir: Path | None = None) -> ServerProcess:
    """A ServerProcess for dynalite; raises when it is not installed. With `data_dir` the tables live on disk
    (LevelDB), so the server can be stopped and started again on the same port without losing them."""
    node = shutil.which("node")
    if node is None or not DYNALITE.exists():
        raise RuntimeError("dynalite is not installed; run `make system-deps` (npm ci in tools/dynamodb/)")
    port = free_port()
    # Tables become ACTIVE at once instead of after dynalite's simulated 500 ms.
    argv = [str(DYNALITE), "--port", str(port), "--host", "127.0.0.1", "--createTableMs", "0", "--deleteTableMs", "0"]
    if data_dir is not None:
        argv += ["--path", str(data_dir)]
    return ServerProcess("dynamodb", argv, port=port, log_dir=log_dir)


def dynamodb_url(server: ServerProcess) -> str:
    """The endpoint URL of a started server."""
    return f"http://127.0.0.1:{server.port}"
