"""Fixtures every test tier shares."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.paths import REPO_ROOT, shared_data_dir
from tests.servers.stack import stack  # noqa: F401  (one running stack for the e2e and the browser tests)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or a visible skip naming what is missing (a fresh clone runs from shipped files alone)."""
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"needs the development data at {path} (set PRESSEDPLAY_SHARED_DATA); absent here")
    return path
