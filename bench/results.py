"""bench/RESULTS.md: one section per benchmark, each rewritten by its own run with the machine, versions and date.

Sections sit between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->` markers, so running one benchmark
(`python -m bench e2e`) replaces its numbers and keeps the others; text outside the markers (the figures from before
issue 15's work, the notes) is written by hand and never touched.
"""

from __future__ import annotations

import os
import platform
import time
from importlib import metadata
from pathlib import Path

from shared.paths import REPO_ROOT

RESULTS = REPO_ROOT / "bench" / "RESULTS.md"
VERSIONED = ("torch", "onnxruntime", "openvino", "numpy", "pillow", "fastapi", "uvicorn", "faiss-cpu")


def cpu_name() -> str:
    """The CPU's model name (platform.processor() is empty on Linux)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gb() -> float:
    """The machine's memory in GB (0 where /proc/meminfo is missing)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def versions() -> str:
    """The versions that move these numbers."""
    found = []
    for name in VERSIONED:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return f"Python {platform.python_version()}, " + ", ".join(found)


def machine_line(device: str = "cpu") -> str:
    """When and where a section was measured: date, CPU, cores, memory, load, device and versions."""
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (
        f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')} on {cpu_name()}, {os.cpu_count()} CPUs, {memory_gb():.0f} GB"
        f" (load average {load} at the end), device {device}; {versions()}."
    )


def write_section(name: str, body: str, *, path: Path = RESULTS) -> None:
    """Replace the section `name` of the results file with `body` (appended when the section is new)."""
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmark results\n"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{block}{tail}"
    else:
        text = f"{text.rstrip()}\n\n{block}\n"
    path.write_text(text, encoding="utf-8")
