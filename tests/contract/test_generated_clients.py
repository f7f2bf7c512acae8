"""Both typed clients of the gateway (clients/python by openapi-python-client, clients/typescript by
openapi-typescript) are what their generators make from the committed api/openapi.json today; the check is shown
catching a stale file. Regenerate with `.venv/bin/python -m tests.contract.generated_clients --write`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.contract.generated_clients import (
    PYTHON_CLIENT,
    TYPESCRIPT_SCHEMA,
    generate_python,
    generate_typescript,
    tree_differences,
    typescript_missing,
)

REGENERATE = "run: .venv/bin/python -m tests.contract.generated_clients --write"


@pytest.fixture(scope="module")
def regenerated_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_python(tmp_path_factory.mktemp("python-client"))


def test_the_python_client_is_current(regenerated_python: Path) -> None:
    assert tree_differences(PYTHON_CLIENT, regenerated_python) == [], REGENERATE


def test_a_stale_python_client_is_caught(regenerated_python: Path, tmp_path: Path) -> None:
    stale = tmp_path / "stale"
    shutil.copytree(regenerated_python, stale)
    (stale / "models" / "playlist.py").write_text("# an older Playlist\n")
    (stale / "models" / "gone.py").write_text("")
    assert tree_differences(stale, regenerated_python) == [
        "differs: models/playlist.py",
        "only committed: models/gone.py",
    ]


def test_the_typescript_client_is_current(tmp_path: Path) -> None:
    missing = typescript_missing()
    if missing:
        pytest.skip(f"the TypeScript client is not checked: {missing}")
    generated = generate_typescript(tmp_path)
    assert generated.read_text(encoding="utf-8") == TYPESCRIPT_SCHEMA.read_text(encoding="utf-8"), REGENERATE
