"""`make check`'s dependency audit (scripts/audit_deps.py): the real pip-audit against a fake OSV service on
loopback (one advisory for one pinned package), an unreachable service, and the decision layer on pip-audit's JSON
(as the real tool wrote it where PyPI's versioned JSON API answers 404: every package skipped)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest

from shared.paths import REPO_ROOT
from tests.servers.process import free_port

SCRIPT = REPO_ROOT / "scripts" / "audit_deps.py"
ADVISORY = {
    "id": "GHSA-test-0000-0001",
    "aliases": ["CVE-2099-0001"],
    "summary": "a made-up flaw for the test",
    "affected": [
        {
            "package": {"name": "requests", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.20.0"}]}],
        }
    ],
}


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["audit_deps"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


audit = load_script()


class FakeOsv(BaseHTTPRequestHandler):
    """POST /v1/query {"package": {"name"}, "version"}: the advisory for requests below 2.20, nothing otherwise."""

    queries: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOsv.queries.append(query)
        vulnerable = query["package"]["name"] == "requests" and query["version"] == "2.19.0"
        body = json.dumps({"vulns": [ADVISORY]} if vulnerable else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def osv_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsv)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()
    thread.join()


def run_audit(tmp_path: Path, url: str, allowlist: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    pins = tmp_path / "constraints.txt"
    pins.write_text("idna==3.10\nrequests==2.19.0\npressedplay==0.1.0\n# a comment\n")
    (tmp_path / "allow.txt").write_text(allowlist)
    argv = [sys.executable, str(SCRIPT), "--requirements", str(pins), "--allowlist", str(tmp_path / "allow.txt")]
    argv += ["--service", "osv", "--osv-url", url, "--timeout", "5"]
    environment = {**os.environ, "AUDIT_REQUIRED": "", **env}
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, env=environment, cwd=tmp_path)


def test_an_advisory_not_in_the_allowlist_fails_the_audit(tmp_path: Path, osv_url: str) -> None:
    FakeOsv.queries.clear()
    done = run_audit(tmp_path, osv_url)
    assert done.returncode == 1, done.stdout + done.stderr
    [line] = [line for line in done.stdout.splitlines() if line.startswith("VULNERABLE: requests 2.19.0: ")]
    assert "GHSA-test-0000-0001" in line and "CVE-2099-0001" in line and line.endswith("fixed in 2.20.0")
    assert "audited 2 of 2 pinned packages" in done.stdout
    # Each pin looked up at its version; the project itself is not a dependency.
    assert sorted((q["package"]["name"], q["version"]) for q in FakeOsv.queries) == [
        ("idna", "3.10"),
        ("requests", "2.19.0"),
    ]


def test_an_allow_listed_advisory_passes_by_its_id_or_an_alias(tmp_path: Path, osv_url: str) -> None:
    for advisory in ("GHSA-test-0000-0001", "CVE-2099-0001"):
        done = run_audit(tmp_path, osv_url, f"{advisory}  # only the client side is affected; review 2099-01-01\n")
        assert done.returncode == 0, done.stdout + done.stderr
        # pip-audit names the advisory by one of its ids (CVE here), the allow-list may use any.
        assert " in requests 2.19.0: only the client side is affected" in done.stdout
        assert "STALE" not in done.stdout and "REVIEW DUE" not in done.stdout


def test_stale_and_overdue_allowlist_entries_are_reported(tmp_path: Path, osv_url: str) -> None:
    entries = "GHSA-test-0000-0001  # accepted long ago; review 2020-01-01\n"
    entries += "PYSEC-2001-1  # fixed since; review 2099-01-01\n"
    done = run_audit(tmp_path, osv_url, entries)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "REVIEW DUE" in done.stdout
    assert "STALE: allow-list entry PYSEC-2001-1 matches no advisory any more" in done.stdout


def test_an_unreachable_service_is_a_loud_skip_and_a_failure_only_when_required(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/v1/query"
    done = run_audit(tmp_path, closed)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("SKIPPED: dependency audit did not run: the osv vulnerability service could not be") == 1
    required = run_audit(tmp_path, closed, AUDIT_REQUIRED="1")
    assert required.returncode == 1 and "FAILED: AUDIT_REQUIRED=1" in required.stdout


def test_an_allowlist_entry_without_a_reason_and_review_date_is_an_error(tmp_path: Path, osv_url: str) -> None:
    done = run_audit(tmp_path, osv_url, "GHSA-test-0000-0001\n")
    assert done.returncode == 2 and "line 1" in done.stdout
    with pytest.raises(ValueError, match="line 2"):
        audit.read_allowlist("# header\nCVE-1  # review 2030-01-01\n")  # a date but no reason
    assert audit.read_allowlist("CVE-1  # vendored, unused; review by 2030-01-02") == [
        audit.Allowed("CVE-1", "vendored, unused", dt.date(2030, 1, 2))
    ]


# pip-audit 2.10.1's JSON where pypi.org answers /pypi/<name>/json but 404s /pypi/<name>/<version>/json.
EVERY_PACKAGE_SKIPPED = {
    "dependencies": [
        {"name": "requests", "skip_reason": "Dependency not found on PyPI and could not be audited: requests (2.31.0)"},
        {"name": "idna", "skip_reason": "Dependency not found on PyPI and could not be audited: idna (3.10)"},
    ],
    "fixes": [],
}


def test_a_service_that_skips_every_package_audited_nothing() -> None:
    allowed = audit.read_allowlist("CVE-1  # why; review 2030-01-01")
    verdict = audit.judge(EVERY_PACKAGE_SKIPPED, allowed)
    assert verdict.nothing_audited and not verdict.refused
    assert set(verdict.skipped) == {"requests", "idna"}


def test_some_packages_skipped_are_listed_and_the_rest_judged() -> None:
    report = {
        "dependencies": [
            EVERY_PACKAGE_SKIPPED["dependencies"][0],
            {"name": "idna", "version": "3.10", "vulns": [{"id": "PYSEC-1", "aliases": [], "fix_versions": []}]},
        ]
    }
    verdict = audit.judge(report, [])
    assert verdict.audited == 1 and list(verdict.skipped) == ["requests"]
    assert [finding.advisory for finding in verdict.refused] == ["PYSEC-1"]


def test_a_required_audit_fails_when_it_skipped_any_package_not_only_all() -> None:
    report = {
        "dependencies": [
            EVERY_PACKAGE_SKIPPED["dependencies"][0],
            {"name": "idna", "version": "3.10", "vulns": []},
        ]
    }
    verdict = audit.judge(report, [])
    failure = audit.coverage_failure(verdict, required=True, total=2)
    assert failure is not None and "1 of 2 packages were not audited" in failure
    assert audit.coverage_failure(verdict, required=False, total=2) is None
    everything = audit.judge({"dependencies": [{"name": "idna", "version": "3.10", "vulns": []}]}, [])
    assert audit.coverage_failure(everything, required=True, total=1) is None


def test_the_pins_are_the_constraints_lines_without_the_project() -> None:
    text = "# pins\nNumPy==2.1.0\npressedplay==0.1.0\n-e .\ntorch==2.14.1+cpu\nfoo>=1\n"
    assert audit.pinned_requirements(text) == ["NumPy==2.1.0", "torch==2.14.1+cpu"]
    assert len(audit.pinned_requirements((REPO_ROOT / "constraints.txt").read_text())) > 100
