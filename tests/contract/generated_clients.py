"""The gateway's typed clients, generated from api/openapi.json by maintained generators, and whether they are current.

    clients/python/pressedplay_client   openapi-python-client (pinned in constraints.txt), settings in generator.yml
    clients/typescript/src/schema.d.ts  openapi-typescript (pinned by clients/typescript/package-lock.json); requests
                                        through openapi-fetch (clients/typescript/src/index.ts, written by hand)

    .venv/bin/python -m tests.contract.generated_clients          # says whether both are current
    .venv/bin/python -m tests.contract.generated_clients --write  # regenerates both (after rewriting api/openapi.json)

Current means: regenerating from the committed document into a temporary folder gives the committed files, byte for
byte. The TypeScript side needs Node and `npm ci` in clients/typescript (scripts/install-system-deps.sh does it).
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from shared.paths import REPO_ROOT

DOCUMENT = REPO_ROOT / "api" / "openapi.json"
PYTHON_CLIENT = REPO_ROOT / "clients" / "python" / "pressedplay_client"
PYTHON_CONFIG = REPO_ROOT / "clients" / "python" / "generator.yml"
TYPESCRIPT = REPO_ROOT / "clients" / "typescript"
TYPESCRIPT_SCHEMA = TYPESCRIPT / "src" / "schema.d.ts"
OPENAPI_TYPESCRIPT = TYPESCRIPT / "node_modules" / ".bin" / "openapi-typescript"
TIMEOUT_S = 300


def generate_python(out: Path) -> Path:
    """openapi-python-client over the document into out/pressedplay_client, formatted by the pinned ruff."""
    package = out / PYTHON_CLIENT.name
    generator = str(Path(sys.executable).parent / "openapi-python-client")
    options = ["--meta", "none", "--config", str(PYTHON_CONFIG), "--output-path", str(package), "--overwrite"]
    _run([generator, "generate", "--path", str(DOCUMENT), *options])
    # --isolated: the same formatting wherever the folder is (the repository's ruff settings do not reach a tmp dir).
    _run([sys.executable, "-m", "ruff", "format", "--isolated", "--quiet", "--line-length", "120", str(package)])
    return package


def typescript_missing() -> str | None:
    """Why the TypeScript generator cannot run here (None when it can)."""
    if shutil.which("node") is None:
        return "needs Node.js (scripts/install-system-deps.sh installs it)"
    if not OPENAPI_TYPESCRIPT.exists():
        return "needs clients/typescript/node_modules (npm ci there; scripts/install-system-deps.sh does it)"
    return None


def generate_typescript(out: Path) -> Path:
    """openapi-typescript over the document into out/schema.d.ts."""
    schema = out / TYPESCRIPT_SCHEMA.name
    _run([str(OPENAPI_TYPESCRIPT), str(DOCUMENT), "--output", str(schema)], cwd=TYPESCRIPT)
    return schema


def tree_differences(committed: Path, generated: Path) -> list[str]:
    """Files that differ, are missing or are extra in committed against generated (caches ignored)."""
    compared = filecmp.dircmp(committed, generated, ignore=["__pycache__"])
    return _differences(compared, Path())


def _differences(compared: filecmp.dircmp[str], where: Path) -> list[str]:
    out = [f"only committed: {where / n}" for n in compared.left_only]
    out += [f"not committed: {where / n}" for n in compared.right_only]
    # dircmp's diff_files trusts size + mtime only after a shallow check; compare contents outright.
    out += [f"differs: {where / n}" for n in compared.common_files if not _same(compared, n)]
    for name, sub in compared.subdirs.items():
        out += _differences(sub, where / name)
    return sorted(out)


def _same(compared: filecmp.dircmp[str], name: str) -> bool:
    return filecmp.cmp(Path(compared.left) / name, Path(compared.right) / name, shallow=False)


def _run(argv: Sequence[str], *, cwd: Path = REPO_ROOT) -> None:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} ... failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def stale_clients() -> list[str]:
    """What is out of date in the committed clients (TypeScript skipped, and said, where it cannot run)."""
    with tempfile.TemporaryDirectory() as tmp:
        stale = [f"python: {d}" for d in tree_differences(PYTHON_CLIENT, generate_python(Path(tmp)))]
        missing = typescript_missing()
        if missing:
            print(f"typescript: not checked, {missing}", file=sys.stderr)
        elif not filecmp.cmp(TYPESCRIPT_SCHEMA, generate_typescript(Path(tmp)), shallow=False):
            stale.append("typescript: differs: src/schema.d.ts")
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """Check (default) or --write both clients."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="regenerate clients/python and clients/typescript")
    args = parser.parse_args(argv)
    if not args.write:
        stale = stale_clients()
        print("\n".join(stale) if stale else "the generated clients are current")
        return 1 if stale else 0
    with tempfile.TemporaryDirectory() as tmp:
        shutil.rmtree(PYTHON_CLIENT, ignore_errors=True)
        shutil.copytree(generate_python(Path(tmp)), PYTHON_CLIENT)
        missing = typescript_missing()
        if missing:
            print(f"typescript: not regenerated, {missing}")
            return 1
        shutil.copyfile(generate_typescript(Path(tmp)), TYPESCRIPT_SCHEMA)
    print(f"wrote {PYTHON_CLIENT.relative_to(REPO_ROOT)} and {TYPESCRIPT_SCHEMA.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
