"""Start a real server as a child process on a free loopback port, wait until it listens, stop it afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, *, timeout_s: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Block until 127.0.0.1:port accepts connections; raise if the process dies or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout_s} s")


class ServerProcess:
    """A server process bound to one port; its output goes to a log file kept for failure diagnosis."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        port: int,
        log_dir: Path,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        start_timeout_s: float = 30.0,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.port = port
        self.log_path = log_dir / f"{name}-{port}.log"
        # JSON logs: tests read the services' events (a person's terminal gets lines: shared/logging.py).
        self.env = {**os.environ, "PRESSEDPLAY_LOG_FORMAT": "json", **(env or {})}
        self.cwd = cwd
        self.start_timeout_s = start_timeout_s
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.argv, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.cwd, start_new_session=True
        )
        try:
            wait_for_port(self.port, timeout_s=self.start_timeout_s, process=self.process)
        except Exception as exc:
            self.stop()
            tail = self.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{self.name} did not start: {exc}\n--- {self.log_path} ---\n{tail}") from exc
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
