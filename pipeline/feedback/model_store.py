"""The model store: a folder or an s3:// prefix holding `<version>.pt` and `<version>.json` (version, parent,
created_at, metrics) for every published checkpoint. The inference service loads `<store>/<version>.pt` when
asked for a version on reload."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from services.inference.model.checkpoint import Checkpoint
from services.inference.model.storage import is_s3_uri, upload_artifact


def card(checkpoint: Checkpoint) -> dict[str, Any]:
    """What `<version>.json` holds."""
    return {
        "version": checkpoint.version,
        "parent": checkpoint.training.get("parent") or checkpoint.training.get("mood", {}).get("parent"),
        "kind": checkpoint.training.get("kind", "training"),
        "created_at": checkpoint.created_at,
        "architecture": checkpoint.architecture,
        "metrics": checkpoint.metrics,
    }


def version_uri(store: str, version: str) -> str:
    """Where a version's checkpoint lives in a store."""
    return f"{store.rstrip('/')}/{version}.pt"


def publish(path: Path, checkpoint: Checkpoint, store: str) -> str:
    """Copy the checkpoint file and its card into the store; returns the checkpoint's URI there."""
    meta = json.dumps(card(checkpoint), indent=2, default=str) + "\n"
    target = version_uri(store, checkpoint.version)
    if is_s3_uri(store):
        with tempfile.TemporaryDirectory() as temp:
            card_file = Path(temp) / f"{checkpoint.version}.json"
            card_file.write_text(meta)
            upload_artifact(path, target)
            upload_artifact(card_file, f"{store.rstrip('/')}/{checkpoint.version}.json")
        return target
    folder = Path(store)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, folder / f"{checkpoint.version}.pt")
    (folder / f"{checkpoint.version}.json").write_text(meta)
    return str(folder / f"{checkpoint.version}.pt")
