"""The whole stack as real processes: the Procfile's four commands on free ports, with a real redis-server for
sessions and Spotify tokens, dynalite as the DynamoDB rating store, the fake Spotify dev server, the shipped catalog
and the trained default model.

`stack` is a session fixture registered in tests/conftest.py, so the end-to-end and the browser tests share one
running stack."""

from __future__ import annotations

import shlex
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from shared.paths import REPO_ROOT
from tests.servers.dynamodb import DYNAMODB_ENV, dynamodb_server, dynamodb_url
from tests.servers.process import ServerProcess, free_port
from tests.servers.redis import redis_server, redis_url

MODEL = REPO_ROOT / "models" / "effnet-vae.pt"
CATALOG = REPO_ROOT / "data" / "catalog.parquet"
UPSTREAMS = ("inference", "playlist", "feedback")
ADMIN_TOKEN = "e2e-feedback-admin-token-0123456789"
READY_TIMEOUT_S = 180.0  # loading the model and the catalog on 2 CPU cores


@dataclass(frozen=True)
class Stack:
    """Where the running stack answers."""

    gateway: str
    dynamodb: str
    ratings_table: str
    log_dir: Path
    redis: str
    spotify: str  # the fake Spotify dev server (python -m tests.fakes.spotify_dev), steered under /_fake
    feedback: str  # the feedback service (its /readyz and /metrics show the outbox)
    playlist: str  # the playlist service (a second gateway may use it: the warm-up test)
    dynamodb_server: ServerProcess  # on disk: a test may stop and start it (the outage test)
    feedback_admin_token: str


def procfile_commands() -> dict[str, list[str]]:
    """The Procfile's commands (what `make run` and the containers run), with `python` as this interpreter."""
    commands = {}
    for line in (REPO_ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            argv = shlex.split(command)
            commands[name.strip()] = [sys.executable if argv[0] == "python" else argv[0], *argv[1:]]
    return commands


def wait_until_ready(url: str, servers: list[ServerProcess]) -> None:
    """Poll the gateway's /readyz (which checks every upstream) until 200; fail with the logs otherwise."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    last = "no answer"
    while time.monotonic() < deadline:
        for server in servers:
            if server.process is not None and server.process.poll() is not None:
                log = server.log_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"{server.name} exited with {server.process.returncode}:\n{log}")
        try:
            response = httpx.get(f"{url}/readyz", timeout=5)
            if response.status_code == 200:
                return
            last = response.text
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(1)
    logs = "\n".join(f"--- {s.name}\n{s.log_path.read_text(errors='replace')[-1500:]}" for s in servers)
    pytest.fail(f"the stack was not ready within {READY_TIMEOUT_S} s: {last}\n{logs}")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Start redis, dynalite and the four services; stop them all at the end of the session."""
    missing = [str(path.relative_to(REPO_ROOT)) for path in (MODEL, CATALOG) if not path.exists()]
    if missing:
        # Fail, never skip: an end-to-end run without the real model proves nothing.
        pytest.fail(f"the end-to-end tests need {', '.join(missing)} (train the model / build the catalog first)")
    log_dir = tmp_path_factory.mktemp("e2e-logs")
    ports = {name: free_port() for name in (*UPSTREAMS, "gateway")}
    table = "e2e-ratings"
    spotify_port = free_port()
    spotify = f"http://127.0.0.1:{spotify_port}"
    callback = f"http://127.0.0.1:{ports['gateway']}/v1/auth/callback"
    with ExitStack() as stack:
        redis = stack.enter_context(redis_server(log_dir))
        dynamodb = stack.enter_context(dynamodb_server(log_dir, data_dir=log_dir / "dynamodb-data"))
        fake_spotify = [sys.executable, "-m", "tests.fakes.spotify_dev", "--port", str(spotify_port)]
        stack.enter_context(
            ServerProcess(
                "spotify",
                [*fake_spotify, "--redirect-uri", callback],
                port=spotify_port,
                log_dir=log_dir,
                cwd=REPO_ROOT,
            )
        )
        env = {
            **DYNAMODB_ENV,
            "PYTHONUNBUFFERED": "1",
            **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
            **{f"{name.upper()}_HOST": "127.0.0.1" for name in ports},
            **{f"GATEWAY_{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}" for name in UPSTREAMS},
            "GATEWAY_REDIS_URL": redis_url(redis),
            # One client (127.0.0.1) makes every request of the e2e, browser and schemathesis runs: buckets large
            # enough never to refuse them (the limits themselves: tests/unit/test_gateway_rate_limit.py).
            **{f"GATEWAY_RATE_{group}_BURST": "100000" for group in ("UPLOADS", "SIGNIN", "RATINGS")},
            "FEEDBACK_STORE": "dynamodb",
            "FEEDBACK_DYNAMODB_ENDPOINT_URL": dynamodb_url(dynamodb),
            "FEEDBACK_DYNAMODB_TABLE": table,
            "FEEDBACK_OUTBOX_PATH": str(log_dir / "feedback-outbox.sqlite3"),
            "FEEDBACK_OUTBOX_RETRY_S": "0.5",
            "FEEDBACK_PHOTO_STORE": str(log_dir / "feedback-photos"),
            "FEEDBACK_ADMIN_TOKEN": ADMIN_TOKEN,
            "INFERENCE_DEVICE": "cpu",
            "PLAYLIST_REDIS_URL": redis_url(redis),
            "PLAYLIST_SPOTIFY_CLIENT_ID": "pressedplay-dev",
            "PLAYLIST_SPOTIFY_ACCOUNTS_URL": spotify,
            "PLAYLIST_SPOTIFY_API_URL": f"{spotify}/v1/",
            "PLAYLIST_SPOTIFY_REDIRECT_URI": callback,
            "PLAYLIST_TOKEN_KEY": Fernet.generate_key().decode(),
        }
        commands = procfile_commands()
        servers = []
        for name in (*UPSTREAMS, "gateway"):
            server = ServerProcess(
                name,
                commands[name],
                port=ports[name],
                log_dir=log_dir,
                env=env,
                cwd=REPO_ROOT,
                start_timeout_s=READY_TIMEOUT_S,
            )
            servers.append(stack.enter_context(server))
        gateway = f"http://127.0.0.1:{ports['gateway']}"
        wait_until_ready(gateway, servers)
        yield Stack(
            gateway=gateway,
            dynamodb=dynamodb_url(dynamodb),
            ratings_table=table,
            log_dir=log_dir,
            redis=redis_url(redis),
            spotify=spotify,
            feedback=f"http://127.0.0.1:{ports['feedback']}",
            playlist=f"http://127.0.0.1:{ports['playlist']}",
            dynamodb_server=dynamodb,
            feedback_admin_token=ADMIN_TOKEN,
        )
