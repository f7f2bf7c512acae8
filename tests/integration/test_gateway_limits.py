"""Issue 14, findings 5 and 7, over real sockets against `python -m services.gateway`: a 1 MB URL is a 414 and a
200 KB header a 431 (not a TCP reset), a trickled upload is cut off with 408, and SIGTERM drains for a bounded time
even while an upload trickles in."""

from __future__ import annotations

import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.paths import REPO_ROOT
from tests.servers.process import ServerProcess, free_port

pytestmark = pytest.mark.integration


def gateway(log_dir: Path, **env: str) -> ServerProcess:
    port = free_port()
    dead = f"http://127.0.0.1:{free_port()}"  # no upstream is needed to read (or refuse) a request
    settings = {
        "GATEWAY_PORT": str(port),
        "GATEWAY_INFERENCE_URL": dead,
        "GATEWAY_PLAYLIST_URL": dead,
        "GATEWAY_FEEDBACK_URL": dead,
        **env,
    }
    argv = [sys.executable, "-m", "services.gateway"]
    return ServerProcess("gateway", argv, port=port, log_dir=log_dir, env=settings, cwd=REPO_ROOT)


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"GATEWAY_BODY_IDLE_TIMEOUT_S": "1", "GATEWAY_BODY_TOTAL_TIMEOUT_S": "2"}
    with gateway(tmp_path_factory.mktemp("limits"), **env) as server:
        yield server


def trickle(port: int, *, seconds: float, stop: threading.Event | None = None) -> bytes:
    """POST a multipart upload a few bytes at a time for `seconds`; returns what the server answered."""
    boundary = "b0undary"
    head = (
        f"POST /v1/playlists HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary={boundary}"
        "\r\nContent-Length: 100000\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(head + f"--{boundary}\r\n".encode())
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end and not (stop and stop.is_set()):
                sock.sendall(b"x" * 8)
                if select.select([sock], [], [], 0.2)[0]:
                    break
            return sock.recv(4096)
        except OSError:
            return b""


def read_answer(sock: socket.socket) -> bytes:
    """A whole HTTP answer: the head, then Content-Length bytes of body, or (an answer with `Connection: close` and
    no length, as the 414 is) everything until the server closes. One recv can return the head alone under load."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lengths = [line.split(b":", 1)[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
    while not lengths or len(body) < int(lengths[0]):
        chunk = sock.recv(4096)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def test_a_one_megabyte_url_is_a_414_not_a_reset(limited: ServerProcess) -> None:
    # httpx refuses URLs over 64 KB itself, so the request goes over a plain socket, all of it sent before reading.
    request = b"GET /v1/genres?q=" + b"a" * 1_000_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with socket.create_connection(("127.0.0.1", limited.port), timeout=10) as sock:
        for offset in range(0, len(request), 16384):
            sock.sendall(request[offset : offset + 16384])
        answer = read_answer(sock)
    assert answer.startswith(b"HTTP/1.1 414"), answer[:200]
    assert b'"URITooLong"' in answer


def test_a_200_kb_header_is_a_431_not_a_reset(limited: ServerProcess) -> None:
    response = httpx.get(f"http://127.0.0.1:{limited.port}/v1/genres", headers={"X-Big": "a" * 200_000}, timeout=10)
    assert response.status_code == 431
    assert response.json()["error"] == "HeadersTooLarge"


def test_ordinary_urls_and_headers_still_pass(limited: ServerProcess) -> None:
    response = httpx.get(f"http://127.0.0.1:{limited.port}/healthz?q={'a' * 8000}", headers={"X-A": "b" * 8000})
    assert response.status_code == 200


def test_a_trickled_upload_is_cut_off_with_408(limited: ServerProcess) -> None:
    start = time.monotonic()
    answer = trickle(limited.port, seconds=10)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"RequestTimeout" in answer or b"408" in answer
    assert time.monotonic() - start < 5


def test_sigterm_drains_for_a_bounded_time_while_an_upload_trickles(tmp_path: Path) -> None:
    env = {
        "GATEWAY_BODY_IDLE_TIMEOUT_S": "100",
        "GATEWAY_BODY_TOTAL_TIMEOUT_S": "100",
        "GATEWAY_SHUTDOWN_DRAIN_S": "2",
    }
    server = gateway(tmp_path, **env).start()
    assert server.process is not None
    stop = threading.Event()
    sender = threading.Thread(target=trickle, args=(server.port,), kwargs={"seconds": 40, "stop": stop})
    sender.start()
    try:
        time.sleep(1.0)
        start = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=15)
        assert time.monotonic() - start < 6
    finally:
        stop.set()
        sender.join(timeout=20)
        server.stop()
