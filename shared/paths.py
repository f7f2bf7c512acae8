"""Where the project's shipped files live, and where the optional development data (../shared) is."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """The development data folder: $PRESSEDPLAY_SHARED_DATA, else ../shared/data beside the clone."""
    override = os.environ.get("PRESSEDPLAY_SHARED_DATA")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "data"


def shared_seed_dir() -> Path:
    """The original project's seed files (genre map, sample set) beside the development data."""
    return shared_data_dir().parent / "seed"
