"""`make run`'s process supervisor: start every Procfile process, restart one that dies (with backoff), stop all on
Ctrl-C / SIGTERM.

honcho's `start` stops the whole stack when any one process exits (one failing part took the product down, issue 14);
this keeps the others serving and brings the dead one back: after 0.5 s, doubling per quick death up to
MAX_BACKOFF_S, reset once a process has stayed up for STABLE_S. Each process runs in its own session, so a Ctrl-C in
the terminal reaches only the supervisor, which then sends SIGTERM to every process group, waits up to DRAIN_S and
SIGKILLs what is left.

With --ready-url, it polls that URL (the gateway's /readyz, which checks every service behind it) from the start and
prints --ready-line once, with the seconds it took, the first time it answers 200: the one line that tells a person
the page will work now.

    python scripts/supervise.py [--procfile Procfile] [--ready-url URL --ready-line TEXT]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

FIRST_BACKOFF_S = 0.5
MAX_BACKOFF_S = 8.0
STABLE_S = 30.0
DRAIN_S = 15.0
POLL_S = 0.1
READY_POLL_S = 0.25


def read_procfile(path: Path) -> dict[str, list[str]]:
    """name -> argv for each `name: command` line (blank lines and # comments skipped)."""
    commands: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, command = line.split(":", 1)
        commands[name.strip()] = shlex.split(command)
    return commands


def _log(name: str, message: str, width: int) -> None:
    sys.stdout.write(f"{time.strftime('%H:%M:%S')} {name:<{width}} | {message}\n")
    sys.stdout.flush()


def _pump(stream: IO[bytes], name: str, width: int) -> None:
    for raw in iter(stream.readline, b""):
        _log(name, raw.decode(errors="replace").rstrip("\n"), width)
    stream.close()


@dataclass(frozen=True)
class ReadyWatch:
    """Where to ask whether the stack is ready, and what to print once it is."""

    url: str
    line: str

    def answers_ready(self) -> bool:
        """Whether the URL answers 200 now (refused, 503 or a timeout: not yet)."""
        try:
            with urllib.request.urlopen(self.url, timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def watch(self, started: float, stopping: threading.Event) -> None:
        """Poll until ready (then print the line once) or until the supervisor stops."""
        while not stopping.is_set():
            if self.answers_ready():
                sys.stdout.write(f"{self.line} (ready {time.monotonic() - started:.1f} s after the start)\n")
                sys.stdout.flush()
                return
            stopping.wait(READY_POLL_S)


@dataclass
class Supervised:
    """One Procfile process and its restart state."""

    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    quick_deaths: int = 0
    restarts: int = field(default=0)


class Supervisor:
    """Keeps every process of a Procfile running until stop() is called."""

    def __init__(self, commands: dict[str, list[str]], *, ready: ReadyWatch | None = None) -> None:
        self.children = [Supervised(name, argv) for name, argv in commands.items()]
        self.width = max([len(name) for name in commands] + [len("supervise")])
        self.stopping = threading.Event()
        self.ready = ready

    def _start(self, child: Supervised) -> None:
        try:
            child.process = subprocess.Popen(
                child.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
            )
        except OSError as exc:
            _log(child.name, f"could not start: {exc}", self.width)
            child.process = None
            self._schedule_restart(child)
            return
        child.started_at = time.monotonic()
        child.restart_at = None
        assert child.process.stdout is not None
        threading.Thread(target=_pump, args=(child.process.stdout, child.name, self.width), daemon=True).start()
        _log("supervise", f"started {child.name} (pid {child.process.pid})", self.width)

    def _schedule_restart(self, child: Supervised) -> None:
        lived = time.monotonic() - child.started_at
        child.quick_deaths = 0 if lived >= STABLE_S else child.quick_deaths + 1
        delay = min(FIRST_BACKOFF_S * 2 ** max(child.quick_deaths - 1, 0), MAX_BACKOFF_S)
        child.restart_at = time.monotonic() + delay
        child.restarts += 1
        _log("supervise", f"restarting {child.name} in {delay:.1f} s", self.width)

    def run(self) -> int:
        """Start everything and supervise until stop(); returns the exit code."""
        started = time.monotonic()
        for child in self.children:
            self._start(child)
        if self.ready is not None:
            threading.Thread(target=self.ready.watch, args=(started, self.stopping), daemon=True).start()
        while not self.stopping.wait(POLL_S):
            now = time.monotonic()
            for child in self.children:
                if child.process is not None and child.process.poll() is not None:
                    code = child.process.returncode
                    _log("supervise", f"{child.name} exited with {code}", self.width)
                    child.process = None
                    self._schedule_restart(child)
                elif child.process is None and child.restart_at is not None and now >= child.restart_at:
                    self._start(child)
        self._stop_all()
        return 0

    def stop(self, *_: object) -> None:
        """Ask run() to stop every process and return (a signal handler)."""
        self.stopping.set()

    def _stop_all(self) -> None:
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        _log("supervise", f"stopping {', '.join(c.name for c in running) or 'nothing'}", self.width)
        for child in running:
            assert child.process is not None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + DRAIN_S
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                _log("supervise", f"{child.name} did not stop within {DRAIN_S:.0f} s: SIGKILL", self.width)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait(timeout=5)


def main() -> int:
    """Parse the arguments, supervise the Procfile's processes until SIGINT / SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procfile", type=Path, default=Path("Procfile"))
    parser.add_argument("--ready-url", help="poll this URL; print --ready-line once it answers 200")
    parser.add_argument("--ready-line", default="ready", help="what to print once --ready-url answers 200")
    args = parser.parse_args()
    ready = ReadyWatch(args.ready_url, args.ready_line) if args.ready_url else None
    supervisor = Supervisor(read_procfile(args.procfile), ready=ready)
    signal.signal(signal.SIGINT, supervisor.stop)
    signal.signal(signal.SIGTERM, supervisor.stop)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
