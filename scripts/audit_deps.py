"""`make check`'s dependency audit: pip-audit over the pinned environment (constraints.txt), advisories we accept
listed in audit-allowlist.txt.

    python scripts/audit_deps.py [--requirements constraints.txt] [--allowlist audit-allowlist.txt]
                                 [--service pypi|osv] [--osv-url URL] [--timeout S]

Exit 0: every advisory found is allow-listed; or no audit could happen (the vulnerability service cannot be reached,
or it skipped every package): a SKIPPED line says so and why, unless AUDIT_REQUIRED=1 (CI), which makes that exit 1.
Exit 1: an advisory that is not allow-listed. Exit 2: a malformed allow-list, or pip-audit failing for a reason
other than the service (a bug in how it is called).

The allow-list is one advisory id a line (the id pip-audit prints or any of its aliases: PYSEC-, GHSA-, CVE-), with
a comment on the same line giving the reason and a review date: `GHSA-xxxx-xxxx-xxxx  # why; review 2026-12-01`.
Entries that match no advisory any more are reported as STALE, entries past their review date as REVIEW DUE.
Filtering happens here, not with pip-audit's --ignore-vuln, so that a stale entry can be told from a used one.

Every package is looked up by its pinned version (pip-audit --no-deps --disable-pip: nothing is resolved or
installed). The PyPI service reads https://pypi.org/pypi/<name>/<version>/json; where that answers 404 (a mirror
that serves only /pypi/<name>/json) pip-audit skips the package, and a run where it skips every one audited nothing.
Environment: AUDIT_REQUIRED, AUDIT_SERVICE, AUDIT_OSV_URL, AUDIT_TIMEOUT_S override the defaults of the options.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "pressedplay"  # the project itself is not on PyPI and not a dependency
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;#]+)\s*$")
ENTRY = re.compile(r"^(?P<id>[A-Za-z0-9][A-Za-z0-9._:-]*)\s+#\s*(?P<comment>.*\S)\s*$")
REVIEW = re.compile(r"\breview(?:\s+by)?:?\s*(?P<date>\d{4}-\d{2}-\d{2})\b")
# What pip-audit's traceback says when the service cannot be reached or answers with an error.
UNREACHABLE = ("ConnectionError", "ConnectTimeout", "ReadTimeout", "NameResolutionError", "ServiceError")


@dataclass(frozen=True)
class Allowed:
    """One accepted advisory."""

    advisory: str
    reason: str
    review: dt.date


@dataclass(frozen=True)
class Finding:
    """One advisory against one pinned package."""

    package: str
    version: str
    advisory: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]

    def ids(self) -> set[str]:
        """The advisory's id and its aliases."""
        return {self.advisory, *self.aliases}


@dataclass
class Verdict:
    """What the audit found and what it means."""

    audited: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # package -> pip-audit's reason
    refused: list[Finding] = field(default_factory=list)
    accepted: list[tuple[Finding, Allowed]] = field(default_factory=list)
    stale: list[Allowed] = field(default_factory=list)

    @property
    def nothing_audited(self) -> bool:
        """The service answered, yet no package was looked up."""
        return self.audited == 0


def read_allowlist(text: str) -> list[Allowed]:
    """Parse the allow-list; raises ValueError naming the line of an entry without a reason or review date."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        entry = ENTRY.match(line.strip())
        review = REVIEW.search(entry["comment"]) if entry else None
        reason = REVIEW.sub("", entry["comment"]).strip(" ;,.-") if entry else ""
        if entry is None or review is None or not reason:
            raise ValueError(f"line {number}: write `ADVISORY-ID  # reason; review YYYY-MM-DD`, not {line.strip()!r}")
        entries.append(Allowed(entry["id"], reason, dt.date.fromisoformat(review["date"])))
    return entries


def pinned_requirements(text: str) -> list[str]:
    """The `name==version` lines of a constraints file, without the project itself."""
    pins = (PIN.match(line.strip()) for line in text.splitlines())
    return [m[0] for m in pins if m and m["name"].lower().replace("_", "-") != PROJECT]


def judge(report: dict[str, Any], allowlist: list[Allowed]) -> Verdict:
    """Sort pip-audit's JSON report into audited / skipped packages and refused / accepted advisories."""
    verdict = Verdict()
    by_id = {entry.advisory: entry for entry in allowlist}
    used: set[str] = set()
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            verdict.skipped[dependency["name"]] = dependency["skip_reason"]
            continue
        verdict.audited += 1
        for vuln in dependency.get("vulns", []):
            finding = Finding(
                dependency["name"],
                dependency.get("version", "?"),
                vuln["id"],
                tuple(vuln.get("aliases") or ()),
                tuple(vuln.get("fix_versions") or ()),
            )
            match = next((by_id[i] for i in sorted(finding.ids()) if i in by_id), None)
            if match is None:
                verdict.refused.append(finding)
            else:
                verdict.accepted.append((finding, match))
                used.add(match.advisory)
    verdict.stale = [entry for entry in allowlist if entry.advisory not in used]
    return verdict


def run_pip_audit(requirements: list[str], *, service: str, osv_url: str | None, timeout_s: int) -> tuple[Any, str]:
    """pip-audit's JSON report (None when it wrote none) and its stderr."""
    with tempfile.TemporaryDirectory(prefix="audit-deps-") as tmp:
        pins, out = Path(tmp) / "requirements.txt", Path(tmp) / "report.json"
        pins.write_text("\n".join(requirements) + "\n")
        argv = [sys.executable, "-m", "pip_audit", "-r", str(pins), "--no-deps", "--disable-pip"]
        argv += ["-f", "json", "-o", str(out), "--aliases", "on", "--desc", "off", "--progress-spinner", "off"]
        argv += ["--timeout", str(timeout_s), "-s", service, *(["--osv-url", osv_url] if osv_url else [])]
        # Generous bound: about 160 packages, one request each, a timeout_s each at worst.
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s * len(requirements) + 60)
        report = json.loads(out.read_text()) if out.exists() and out.read_text().strip() else None
        return report, done.stderr


def explain_failure(stderr: str) -> tuple[bool, str]:
    """(whether the service was unreachable, the line that says why) from a pip-audit that wrote no report."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    last = lines[-1] if lines else "no output"
    return any(word in stderr for word in UNREACHABLE), last[:300]


def skipped(reason: str, required: bool) -> int:
    """The loud line for an audit that did not happen; its exit status."""
    print(f"SKIPPED: dependency audit did not run: {reason}")
    if required:
        print("FAILED: AUDIT_REQUIRED=1 and no package was audited")
        return 1
    print("  (exit 0 here; set AUDIT_REQUIRED=1 where the vulnerability service must be reachable, as in CI)")
    return 0


def report(verdict: Verdict, *, total: int, today: dt.date) -> None:
    """Print what was audited, accepted, refused, skipped and what the allow-list no longer needs."""
    print(f"audited {verdict.audited} of {total} pinned packages; skipped {len(verdict.skipped)}")
    for name, why in sorted(verdict.skipped.items()):
        print(f"  skipped {name}: {why}")
    for finding, allowed in verdict.accepted:
        due = "  REVIEW DUE" if allowed.review < today else ""
        print(f"  accepted {finding.advisory} in {finding.package} {finding.version}: {allowed.reason}{due}")
    for entry in verdict.stale:
        print(f"STALE: allow-list entry {entry.advisory} matches no advisory any more; remove it")
    for finding in verdict.refused:
        fixed = ", ".join(finding.fixed_in) or "no fixed version yet"
        aliases = f" ({', '.join(finding.aliases)})" if finding.aliases else ""
        print(f"VULNERABLE: {finding.package} {finding.version}: {finding.advisory}{aliases}; fixed in {fixed}")


def coverage_failure(verdict: Verdict, *, required: bool, total: int) -> str | None:
    """Under AUDIT_REQUIRED an audit must cover every pin: a few audited and the rest skipped is a failure."""
    if required and verdict.skipped:
        return f"FAILED: AUDIT_REQUIRED=1 and {len(verdict.skipped)} of {total} packages were not audited"
    return None


def main(argv: list[str] | None = None) -> int:
    """Audit, print, and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requirements", type=Path, default=ROOT / "constraints.txt")
    parser.add_argument("--allowlist", type=Path, default=ROOT / "audit-allowlist.txt")
    parser.add_argument("--service", choices=("pypi", "osv"), default=os.environ.get("AUDIT_SERVICE", "pypi"))
    parser.add_argument("--osv-url", default=os.environ.get("AUDIT_OSV_URL") or None)
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("AUDIT_TIMEOUT_S", "15")))
    args = parser.parse_args(argv)
    required = os.environ.get("AUDIT_REQUIRED", "") == "1"
    try:
        allowlist = read_allowlist(args.allowlist.read_text() if args.allowlist.exists() else "")
    except ValueError as exc:
        print(f"ERROR: {args.allowlist.name}: {exc}")
        return 2
    requirements = pinned_requirements(args.requirements.read_text())
    print(f"auditing {len(requirements)} pins of {args.requirements.name} against {args.service} (pip-audit)")
    found, stderr = run_pip_audit(requirements, service=args.service, osv_url=args.osv_url, timeout_s=args.timeout)
    if found is None:
        unreachable, why = explain_failure(stderr)
        if unreachable:
            return skipped(f"the {args.service} vulnerability service could not be reached: {why}", required)
        print(f"ERROR: pip-audit failed: {why}")
        return 2
    verdict = judge(found, allowlist)
    if verdict.nothing_audited:
        example = min(verdict.skipped.values(), default="there was no package to audit")
        # Where pip-audit's PyPI service gets a 404 for /pypi/<name>/<version>/json, its skip reason says "not found".
        where = " (pip-audit says so when /pypi/<name>/<version>/json answers 404)" if args.service == "pypi" else ""
        why = f"{args.service} skipped all {len(verdict.skipped)} packages{where}, e.g. {example!r}"
        return skipped(why, required)
    report(verdict, total=len(requirements), today=dt.date.today())
    if failure := coverage_failure(verdict, required=required, total=len(requirements)):
        print(failure)
        return 1
    if verdict.refused:
        count, name = len(verdict.refused), args.allowlist.name
        print(f"FAILED: {count} advisories not in {name}: upgrade the package, or accept it there with a reason")
        return 1
    print(f"passed: no advisory outside {args.allowlist.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
