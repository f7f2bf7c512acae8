"""What the docs claim about the code, read out of the Markdown (tests/unit/test_docs_match_code.py holds each claim
against the code): the routes they name, the settings (environment variables) they name, the repository paths
they name, and the settings tables that say they list every setting of a service."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from shared.paths import REPO_ROOT

# The docs a reader is pointed to: the README and everything under docs/, plus the two READMEs beside what they
# describe.
DOCS: Final = (
    REPO_ROOT / "README.md",
    *sorted((REPO_ROOT / "docs").glob("*.md")),
    REPO_ROOT / "data" / "README.md",
    REPO_ROOT / "models" / "MODEL_CARD.md",
)
SERVICE_PREFIXES: Final = ("GATEWAY", "INFERENCE", "PLAYLIST", "FEEDBACK")
# A route of ours: /v1/..., or an endpoint every service has; not one behind another host (api.spotify.com/v1/...).
ROUTE: Final = re.compile(
    r"(?:(?<=127\.0\.0\.1:\d{4})|(?<![\w.:/-]))(/(?:v1/|healthz|readyz|metrics|docs\b|redoc|openapi\.json)[^\s`'\"),;|<>]*)"
)
SETTING: Final = re.compile(r"(?<![\w$<])((?:GATEWAY|INFERENCE|PLAYLIST|FEEDBACK|PRESSEDPLAY)_[A-Z0-9_]*[A-Z0-9*])")
# `GATEWAY_INFERENCE_URL`, `_PLAYLIST_URL`: a table's short form for a name sharing the first one's beginning.
SHORT_SETTING: Final = re.compile(r"`(_[A-Z][A-Z0-9_]*)`")
EVERY_SERVICE: Final = re.compile(r"<SERVICE>(_[A-Z0-9_]+)")
BACKTICKED: Final = re.compile(r"`([^`\n]+)`")
LINK: Final = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)|<img src=\"([^\"]+)\"")


@dataclass(frozen=True)
class Mention:
    """Something a doc names, and where."""

    text: str
    doc: Path
    line: int

    def where(self) -> str:
        return f"{self.doc.relative_to(REPO_ROOT)}:{self.line}"


def doc_lines(docs: tuple[Path, ...] = DOCS) -> Iterator[tuple[Path, int, str]]:
    """Every line of every doc outside fenced code blocks (commands and sample output are not claims here)."""
    for doc in docs:
        fenced = False
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), start=1):
            if line.lstrip().startswith("```"):
                fenced = not fenced
                continue
            if not fenced:
                yield doc, number, line


BLOCK_START: Final = re.compile(r"^\s*(?:[-*] |\d+\. |\||#)")


def doc_blocks(docs: tuple[Path, ...] = DOCS) -> Iterator[tuple[Path, int, str]]:
    """Every bullet, table row, heading or paragraph of every doc as one string (a claim may wrap over lines)."""
    block: list[str] = []
    start, current = 0, DOCS[0]
    for doc, number, line in doc_lines(docs):
        if block and (doc != current or not line.strip() or BLOCK_START.match(line)):
            yield current, start, " ".join(block)
            block = []
        if line.strip():
            if not block:
                start, current = number, doc
            block.append(line.strip())
    if block:
        yield current, start, " ".join(block)


def routes_named(docs: tuple[Path, ...] = DOCS) -> list[Mention]:
    """Every route path a doc names, its query and optional parts dropped (`/v1/me/genres[?refresh=true]`)."""
    found = []
    for doc, number, line in doc_lines(docs):
        for match in ROUTE.finditer(line):
            path = re.split(r"[?\[]", match.group(1))[0].rstrip(".:")
            found.append(Mention(path, doc, number))
    return found


def settings_named(docs: tuple[Path, ...] = DOCS) -> list[Mention]:
    """Every environment variable a doc names, short forms resolved by `resolve` later (kept as `FULL|_SHORT`)."""
    found = []
    for doc, number, line in doc_lines(docs):
        full = [m.group(1) for m in SETTING.finditer(line)]
        found += [Mention(name, doc, number) for name in full]
        found += [
            Mention(f"{prefix}{suffix}", doc, number)
            for suffix in EVERY_SERVICE.findall(line)
            for prefix in SERVICE_PREFIXES
        ]
        for short in SHORT_SETTING.finditer(line):
            before = [m.group(1) for m in SETTING.finditer(line[: short.start()])]
            if before:
                found.append(Mention(f"{before[-1]}|{short.group(1)}", doc, number))
    return found


def resolve(name: str, known: set[str]) -> str | None:
    """A named setting as the variable it is: `GATEWAY_RATE_UPLOADS_BURST|_PER_MINUTE` is the known name among
    GATEWAY_PER_MINUTE, GATEWAY_RATE_PER_MINUTE, GATEWAY_RATE_UPLOADS_PER_MINUTE (the longest shared beginning
    first); `PLAYLIST_SPOTIFY_*` any known name it begins; None when it names nothing."""
    if "|" in name:
        full, short = name.split("|")
        parts = full.split("_")
        candidates = ("_".join(parts[:keep]) + short for keep in range(len(parts) - 1, 0, -1))
        return next((candidate for candidate in candidates if candidate in known), None)
    if name.endswith("*"):
        return name if any(k.startswith(name[:-1]) for k in known) else None
    return name if name in known else None


@cache
def tracked_files() -> tuple[str, ...]:
    """The repository's files: what git tracks, and new files it does not ignore (what a clone has once committed)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return tuple(listed.stdout.splitlines())


TOP_LEVEL: Final = frozenset(path.split("/")[0] for path in tracked_files() if "/" in path)
# A path (`services/gateway/api/`), or a bare module name (`diversity.py`: data files a command writes are not
# checked by bare name, only modules, which is where a move leaves a doc behind).
PATH_LIKE: Final = re.compile(r"^[\w.-]+(?:/[\w.{},<>*-]+)+/?$|^\w+\.py$")


def paths_named(docs: tuple[Path, ...] = DOCS) -> list[Mention]:
    """Every repository path a doc names in backticks (`services/gateway/api/`, `shared/errors.py: X`) or links to,
    and every bare module or file name (`diversity.py`), which must exist somewhere in the repository."""
    found = []
    for doc, number, line in doc_lines(docs):
        for token in BACKTICKED.findall(line):
            candidate = re.split(r"[\s:(]", token.strip(), maxsplit=1)[0].rstrip(",.")
            top = candidate.split("/")[0]
            if PATH_LIKE.match(candidate) and (top in TOP_LEVEL or "/" not in candidate):
                found.append(Mention(candidate, doc, number))
        for link in LINK.finditer(line):
            target = link.group(1) or link.group(2)
            if "://" not in target and not target.startswith("mailto:"):
                resolved = (doc.parent / target).resolve()
                if resolved.is_relative_to(REPO_ROOT):
                    found.append(Mention(str(resolved.relative_to(REPO_ROOT)), doc, number))
    return found


WILDCARD: Final = re.compile(r"(\{[^}]*\}|<[^>]*>|\*|N{3,})")


def path_exists(path: str) -> bool:
    """A tracked file or folder; `{a,b}`, `<name>`, `NNNNN` and `*` parts match anything; a bare name anywhere."""
    pattern = "".join(
        "[^/]*" if WILDCARD.fullmatch(piece) else re.escape(piece) for piece in WILDCARD.split(path.rstrip("/"))
    )
    if "/" not in path:
        return any(re.fullmatch(pattern, Path(f).name) for f in tracked_files())
    rule = re.compile(rf"{pattern}(?:/.*)?")
    return any(rule.fullmatch(f) for f in tracked_files())
