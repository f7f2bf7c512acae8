"""Run schemathesis (the CLI of the pinned version) against a running service's OpenAPI: every phase, the stateful
one included (it follows the OpenAPI links, and links schemathesis infers, from created resources to what uses them),
with the checks that every answer is documented, in its schema, with its content type, and never a 5xx."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from shared.paths import REPO_ROOT

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
PHASES = "examples,coverage,fuzzing,stateful"
SEED = "20261125"


@dataclass(frozen=True)
class Run:
    """A passed run: its report and how long it took."""

    report: str
    seconds: float

    def links_covered(self) -> int:
        """How many OpenAPI links the stateful phase followed (0 when it had none)."""
        found = re.search(r"API Links:\s+(\d+) covered", self.report)
        return int(found[1]) if found else 0


def run_schemathesis(
    openapi_url: str,
    *,
    cwd: Path,
    max_examples: int,
    headers: dict[str, str] | None = None,
    hooks: str | None = None,
    infer_links: bool = True,
    stateful_max_steps: int | None = None,
    timeout_s: float = 300,
) -> Run:
    """Run it (with `hooks`, a module of schemathesis hooks, imported from the repository; without infer_links the
    stateful phase follows only the schema's own links; `stateful_max_steps` lets a scenario walk further, for an
    operation with many links); fail with the report's tail unless it passes."""
    config = cwd / "schemathesis.toml"
    lines = [] if stateful_max_steps is None else ["[phases.stateful]", f"max-steps = {stateful_max_steps}"]
    lines += [] if infer_links else ["[phases.stateful.inference]", "algorithms = []"]
    config.write_text("\n".join(lines) + "\n" if lines else "")
    argv = [
        str(Path(sys.executable).parent / "schemathesis"),
        f"--config-file={config}",
        "run",
        openapi_url,
        f"--checks={CHECKS}",
        f"--max-examples={max_examples}",  # bounded: the suite stays well under its budget
        f"--seed={SEED}",
        "--request-timeout=60",
        "--workers=1",
        f"--phases={PHASES}",
        "--no-color",
        *(f"--header={name}: {value}" for name, value in (headers or {}).items()),
    ]
    started = time.monotonic()
    env = {**os.environ, "SCHEMATHESIS_HOOKS": hooks, "PYTHONPATH": str(REPO_ROOT)} if hooks else None
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s, cwd=cwd, env=env)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    return Run(result.stdout, time.monotonic() - started)
