"""A profile of the gateway while it serves uploads: where its own time goes (pyinstrument).

    python -m bench profile

Starts inference, playlist, feedback and Redis as processes (bench/stack.py), serves the gateway in this process
under uvicorn with pyinstrument sampling its event-loop thread, and sends 60 uploads one at a time (the 1.2 MP
JPEG, `genres=pop,rock`, `n=20`) from a client thread. Work handed to threads (the photo copy, the Redis client) is
seen as the await that waits for it; the other services' own time is in their Server-Timing (bench e2e). Writes
the heaviest frames by self time, and the request's call tree, to the `profile` section of bench/RESULTS.md.
"""

from __future__ import annotations

import os
import ssl
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer

from bench.bench_e2e import FORM, upload_photo
from bench.results import machine_line, write_section
from bench.stack import UPSTREAMS, running_stack, wait_ready

UPLOADS = 60
FLAT_LINES = 25
TREE_LINES = 45


def _uploads(base: str, image: bytes, count: int, done: threading.Event, server: uvicorn.Server) -> None:
    try:
        wait_ready(base)
        tls = ssl.create_default_context()  # one for every client: building one per client is CPU in this process
        for _ in range(count):
            with httpx.Client(base_url=base, timeout=60, verify=tls) as client:
                files = {"image": ("profile.jpg", image, "image/jpeg")}
                client.post("/v1/playlists", files=files, data=FORM).raise_for_status()
    finally:
        done.set()
        server.should_exit = True


def profile_gateway(count: int = UPLOADS) -> tuple[Profiler, float]:
    """Serve `count` uploads through an in-process gateway under the profiler; (profiler, wall seconds)."""
    from services.gateway.app import create_app

    image = upload_photo()
    with tempfile.TemporaryDirectory() as folder, running_stack(Path(folder), services=UPSTREAMS) as stack:
        os.environ.update({key: value for key, value in stack.env.items() if key.startswith("GATEWAY_")})
        app = create_app()
        port = stack.ports["gateway"]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        done = threading.Event()
        warm = threading.Thread(target=_uploads, args=(stack.url("gateway"), image, 5, done, server), daemon=True)
        warm.start()
        server.run()  # warm-up pass: the first uploads set up connection pools and caches
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        done.clear()
        client = threading.Thread(target=_uploads, args=(stack.url("gateway"), image, count, done, server))
        profiler = Profiler(interval=0.0005, async_mode="enabled")
        client.start()
        started = time.perf_counter()
        with profiler:
            server.run()
        wall = time.perf_counter() - started
        client.join()
    return profiler, wall


def _lines(rendered: str) -> list[str]:
    """The renderer's lines without its banner (short mode prefixes each line with '. ')."""
    out = []
    for line in rendered.splitlines():
        text = line[2:] if line.startswith(". ") else line
        if text.strip(" .") and not text.startswith(("pyinstrument", "Profile at")) and "Profile at" not in text:
            out.append(text.rstrip())
    return out


def main() -> None:
    """Profile and write the summary."""
    profiler, wall = profile_gateway()
    flat = profiler.output(ConsoleRenderer(flat=True, time="percent_of_total", short_mode=True))
    tree = profiler.output(ConsoleRenderer(time="seconds", short_mode=True))
    flat_lines, tree_lines = _lines(flat)[:FLAT_LINES], _lines(tree)[:TREE_LINES]
    body = "\n".join(
        [
            "## Profile: the gateway's own time per upload",
            "",
            machine_line(),
            f"Command: `python -m bench profile` (pyinstrument, the gateway's event-loop thread, {UPLOADS} uploads",
            f"one at a time, {wall / UPLOADS * 1000:.0f} ms each on average including the upstreams and the",
            "profiler's own cost; CPU per upload per service is in the end-to-end section).",
            "",
            "Heaviest frames by self time (share of the sampled time, idle waits included):",
            "",
            "```",
            *flat_lines,
            "```",
            "",
            "The call tree (top):",
            "",
            "```",
            *tree_lines,
            "```",
        ]
    )
    write_section("profile", body)
    print(body)
