"""Issue 14, findings 1, 2 and 3: under `make run`'s supervisor a process killed with SIGKILL comes back within 10 s
while the rest keep serving; Redis (append-only file, as scripts/run-local.sh starts it) keeps a playlist made
before its restart; with inference frozen (SIGSTOP), uploads are refused fast once the gateway's breaker opens."""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from shared.paths import REPO_ROOT
from tests.e2e.test_playlist_flow import sunset_photo
from tests.servers.process import free_port
from tests.servers.stack import READY_TIMEOUT_S, UPSTREAMS, procfile_commands

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
STARTED = re.compile(r"started (\w+) \(pid (\d+)\)")


def redis_line(port: int) -> str:
    """The redis line scripts/run-local.sh writes, with the port and directory of this test."""
    script = (REPO_ROOT / "scripts" / "run-local.sh").read_text()
    line = next(raw for raw in script.splitlines() if 'echo "redis: ' in raw)
    command = line.split('echo "redis: ', 1)[1].rsplit('" >>', 1)[0]
    command = command.replace("${REDIS_PORT:-6379}", str(port)).replace("${REDIS_MAXMEMORY:-256mb}", "64mb")
    assert "--appendonly yes" in command and "--maxmemory-policy" in command
    return command


@dataclass
class Supervised:
    gateway: str
    log: Path
    process: subprocess.Popen[bytes]

    def pids(self) -> dict[str, int]:
        """The latest pid of each process, from the supervisor's log."""
        return {name: int(pid) for name, pid in STARTED.findall(self.log.read_text(errors="replace"))}


def wait_for(check: Callable[[], object], timeout_s: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        try:
            if check():
                return time.monotonic() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} not within {timeout_s} s")


@pytest.fixture(scope="module")
def supervised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervised]:
    root = tmp_path_factory.mktemp("supervised")
    ports = {name: free_port() for name in (*UPSTREAMS, "gateway", "redis")}
    (root / "redis").mkdir()
    lines = [f"{name}: {shlex.join(argv)}" for name, argv in procfile_commands().items()]
    lines.append("redis: " + redis_line(ports["redis"]).replace("--dir var/redis", f"--dir {root / 'redis'}"))
    procfile = root / "Procfile"
    procfile.write_text("\n".join(lines) + "\n")
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        **{f"{name.upper()}_PORT": str(port) for name, port in ports.items() if name != "redis"},
        **{f"GATEWAY_{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}" for name in UPSTREAMS},
        "GATEWAY_REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/0",
        "FEEDBACK_SQLITE_PATH": str(root / "ratings.sqlite3"),
        "FEEDBACK_OUTBOX_PATH": str(root / "outbox.sqlite3"),
        "FEEDBACK_PHOTO_STORE": str(root / "photos"),
        "INFERENCE_DEVICE": "cpu",
        "GATEWAY_INFERENCE_TIMEOUT_S": "4",
        "GATEWAY_BREAKER_OPEN_S": "5",
        "GATEWAY_RATE_UPLOADS_BURST": "1000",  # every upload here comes from one client
    }
    log = root / "supervise.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "scripts" / "supervise.py"), "--procfile", str(procfile)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO_ROOT,
        )
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    try:
        wait_for(lambda: httpx.get(f"{gateway}/readyz", timeout=5).status_code == 200, READY_TIMEOUT_S, "ready")
        yield Supervised(gateway, log, process)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_ctrl_c_stops_every_process(tmp_path: Path) -> None:
    procfile = tmp_path / "Procfile"
    procfile.write_text(f"a: {sys.executable} -c 'import time; time.sleep(60)'\nb: sleep 60\n")
    log = tmp_path / "log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "scripts" / "supervise.py"), "--procfile", str(procfile)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    supervised = Supervised("", log, process)
    wait_for(lambda: len(supervised.pids()) == 2, 10, "both started")
    os.kill(supervised.pids()["b"], signal.SIGKILL)
    wait_for(lambda: supervised.log.read_text().count("started b") == 2, 5, "b restarted")
    pids = supervised.pids()
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    for pid in pids.values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


@pytest.mark.parametrize("name", ["redis", "playlist", "feedback", "gateway", "inference"])
def test_a_killed_process_is_back_within_10_s_while_the_rest_keep_serving(supervised: Supervised, name: str) -> None:
    before = supervised.pids()[name]
    os.kill(before, signal.SIGKILL)
    if name != "gateway":
        assert httpx.get(f"{supervised.gateway}/healthz", timeout=5).status_code == 200
    wait_for(lambda: supervised.pids()[name] != before, 10, f"{name} restarted")
    wait_for(lambda: httpx.get(f"{supervised.gateway}/readyz", timeout=5).status_code == 200, READY_TIMEOUT_S, "ready")


def test_a_playlist_made_before_a_redis_restart_is_still_there(supervised: Supervised) -> None:
    client = httpx.Client(base_url=supervised.gateway, timeout=120)
    files = {"image": ("sunset.jpg", sunset_photo(), "image/jpeg")}
    made = client.post("/v1/playlists", files=files, data={"genres": "rock", "n": "5"})
    assert made.status_code == 201, made.text
    time.sleep(1.5)  # appendfsync everysec: what a second has flushed
    before = supervised.pids()["redis"]
    os.kill(before, signal.SIGKILL)
    wait_for(lambda: supervised.pids()["redis"] != before, 10, "redis restarted")
    wait_for(lambda: client.get(f"/v1/playlists/{made.json()['id']}").status_code == 200, 15, "the playlist is back")


def test_with_inference_frozen_uploads_get_503_fast_once_the_breaker_opens(supervised: Supervised) -> None:
    files = {"image": ("sunset.jpg", sunset_photo(), "image/jpeg")}

    def upload() -> httpx.Response:
        return httpx.post(f"{supervised.gateway}/v1/playlists", files=files, data={"n": "5"}, timeout=60)

    inference = supervised.pids()["inference"]
    os.kill(inference, signal.SIGSTOP)
    try:
        with ThreadPoolExecutor(3) as pool:
            first = list(pool.map(lambda _: upload(), range(3)))
        assert [r.status_code for r in first] == [504] * 3, [r.text for r in first]
        start = time.monotonic()
        refused = upload()
        took = time.monotonic() - start
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"] == "UpstreamUnavailable"
        assert 1 <= int(refused.headers["Retry-After"]) <= 5
        assert took < 1.0
    finally:
        os.kill(inference, signal.SIGCONT)
    time.sleep(5)
    assert upload().status_code == 201


READY_LINE = re.compile(r"^ready: open (http://\S+) \(ready ([0-9.]+) s after the start\)$", re.MULTILINE)


def test_make_run_prints_one_ready_line_once_every_service_is_ready_and_lines_for_a_person(tmp_path: Path) -> None:
    """scripts/run-local.sh as `make run` starts it (on free ports): one "ready: open <url>" line, printed when the
    gateway's /readyz (every service behind it) first answers 200, reporting a start time no longer than the wait
    seen from outside; the services' logs are readable lines, not JSON."""
    ports = {name: free_port() for name in (*UPSTREAMS, "gateway")}
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GATEWAY_", "PRESSEDPLAY_"))},
        **{f"{name.upper()}_PORT": str(port) for name, port in ports.items()},
        **{f"GATEWAY_{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}" for name in UPSTREAMS},
        "FEEDBACK_SQLITE_PATH": str(tmp_path / "ratings.sqlite3"),
        "FEEDBACK_OUTBOX_PATH": str(tmp_path / "outbox.sqlite3"),
        "FEEDBACK_PHOTO_STORE": str(tmp_path / "photos"),
        "INFERENCE_DEVICE": "cpu",
    }
    log = tmp_path / "make-run.log"
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", str(REPO_ROOT / "scripts" / "run-local.sh")], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    try:
        seen = wait_for(lambda: READY_LINE.search(log.read_text(errors="replace")), READY_TIMEOUT_S, "the ready line")
        waited = time.monotonic() - started
        gateway = f"http://127.0.0.1:{ports['gateway']}"
        assert httpx.get(f"{gateway}/readyz", timeout=5).status_code == 200
        files = {"image": ("sunset.jpg", sunset_photo(), "image/jpeg")}
        assert httpx.post(f"{gateway}/v1/playlists", files=files, data={"n": "3"}, timeout=60).status_code == 201
        time.sleep(1.0)  # a second line, if the watcher printed twice, would be there by now
        text = log.read_text(errors="replace")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    lines = READY_LINE.findall(text)
    assert len(lines) == 1, text[-3000:]
    url, reported = lines[0][0], float(lines[0][1])
    assert url == gateway and 0 < reported <= waited and seen <= waited
    completed = [line for line in text.splitlines() if "request.completed" in line]
    assert completed and not any(line.split("| ", 1)[-1].startswith("{") for line in completed)
    assert any("POST /v1/playlists 201" in line for line in completed), completed[-5:]
