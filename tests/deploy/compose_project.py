"""The Compose stack as a test drives it: the repo's compose files (CPU; the local stand-in images where no image
registry answers), a project of its own with fresh random secrets and a free published port, and the engine's view
of each container (health, restarts, its main process).

`make test-compose` makes sure an engine runs (scripts/docker-engine.sh); without one the tests skip, saying so.
Timings (build, `up --wait`) and image sizes land in var/compose-run.json for docs/deploy.md.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from cryptography.fernet import Fernet

from shared.paths import REPO_ROOT
from tests.servers.process import free_port

BIN: Final = Path(os.environ.get("VIRTUAL_ENV", REPO_ROOT / ".venv")) / "bin"
PROJECT: Final = "pressedplay-test"
SERVICES: Final = ("gateway", "inference", "playlist", "feedback")
CPU_FILES: Final = ("docker-compose.yml", "docker-compose.cpu.yml")
LOCAL_FILE: Final = "docker-compose.local.yml"
PROBE_IMAGE: Final = "python:3.11-slim"  # the public base image: pullable means the registry answers
RUN_RECORD: Final = REPO_ROOT / "var" / "compose-run.json"


def docker(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
    """The docker CLI (engine queries; builds go through Compose)."""
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)} failed: {result.stderr.strip()[-2000:]}")
    return result


def engine_answers() -> bool:
    """Whether a Docker engine answers this user."""
    try:
        return docker("info", "--format", "{{.ServerVersion}}", timeout=20, check=False).returncode == 0
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return False


def registry_answers() -> bool:
    """Whether the public base image is here or can be pulled (else the local stand-ins are built and used)."""
    if docker("image", "inspect", PROBE_IMAGE, check=False).returncode == 0:
        return True
    try:
        return docker("pull", "-q", PROBE_IMAGE, timeout=60, check=False).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def build_local_images() -> None:
    """The Debian-built stand-ins (deploy/local-images/build.sh; existing ones are kept)."""
    script = REPO_ROOT / "deploy" / "local-images" / "build.sh"
    result = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"{script} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")


def fresh_secrets() -> dict[str, str]:
    """What a person puts in .env: random secrets, never committed."""
    return {
        "PRESSEDPLAY_SERVICE_TOKEN": secrets.token_urlsafe(24),
        "INFERENCE_ADMIN_TOKEN": secrets.token_urlsafe(24),
        "FEEDBACK_ADMIN_TOKEN": secrets.token_urlsafe(24),
        "MINIO_ROOT_PASSWORD": secrets.token_urlsafe(24),
        "GATEWAY_OPS_TOKEN": secrets.token_urlsafe(24),
        "PLAYLIST_TOKEN_KEY": Fernet.generate_key().decode(),
    }


@dataclass
class ComposeProject:
    """One Compose project of the repo's files; `compose(...)` runs docker-compose on it."""

    files: tuple[str, ...]
    env: dict[str, str]
    port: int
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def create(cls, *, local_images: bool) -> ComposeProject:
        port = free_port()
        env = {**fresh_secrets(), "GATEWAY_PUBLISH": f"127.0.0.1:{port}", "COMPOSE_PROJECT_NAME": PROJECT}
        files = (*CPU_FILES, LOCAL_FILE) if local_images else CPU_FILES
        return cls(files=files, env=env, port=port)

    @property
    def gateway(self) -> str:
        """The published gateway's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def compose(
        self, *args: str, timeout: float = 900, check: bool = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """docker-compose with the project's files and environment (plus `env`)."""
        argv = [str(BIN / "docker-compose"), *(f"--file={name}" for name in self.files), *args]
        merged = {**os.environ, **self.env, **(env or {})}
        result = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, env=merged, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"docker-compose {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result

    def timed(self, name: str, *args: str, timeout: float = 1800) -> None:
        """Run a compose command and keep how long it took under `name`."""
        started = time.monotonic()
        self.compose(*args, timeout=timeout)
        self.timings[name] = round(time.monotonic() - started, 1)

    def container(self, service: str) -> str:
        """The id of the service's container."""
        (container,) = self.compose("ps", "-q", "--all", service).stdout.split()
        return container

    def inspect(self, service: str) -> dict[str, Any]:
        """The engine's view of the service's container."""
        state: list[dict[str, Any]] = json.loads(docker("inspect", self.container(service)).stdout)
        return state[0]

    def image(self, service: str) -> str:
        """The image the service was built as (Compose names it <project>-<service>)."""
        return f"{PROJECT}-{service}"

    def wait_healthy(self, service: str, *, timeout_s: float = 240) -> None:
        """Until the service's container reports healthy."""
        deadline = time.monotonic() + timeout_s
        while True:
            state = self.inspect(service)["State"]
            if state.get("Health", {}).get("Status") == "healthy":
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{service} not healthy after {timeout_s:.0f} s: {state}")
            time.sleep(1)

    def crash(self, service: str) -> int:
        """SIGKILL the container's main process from the host, as a crash or the kernel's OOM killer would; returns
        the restart count before. (`docker kill` is a deliberate stop to Docker 20.10's restart policies.)"""
        state = self.inspect(service)
        os.kill(int(state["State"]["Pid"]), 9)
        return int(state["RestartCount"])

    def leftovers(self) -> dict[str, list[str]]:
        """Containers, volumes and networks of the project that still exist."""
        label = f"label=com.docker.compose.project={PROJECT}"
        return {
            "containers": docker("ps", "-aq", "--filter", label).stdout.split(),
            "volumes": docker("volume", "ls", "-q", "--filter", label).stdout.split(),
            "networks": docker("network", "ls", "-q", "--filter", label).stdout.split(),
        }

    def record(self, extra: dict[str, Any]) -> None:
        """Write the run's timings and figures to var/compose-run.json."""
        RUN_RECORD.parent.mkdir(parents=True, exist_ok=True)
        body = {"files": list(self.files), "timings_s": self.timings, **extra}
        RUN_RECORD.write_text(json.dumps(body, indent=2) + "\n")
