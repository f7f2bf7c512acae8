"""The model store: a folder or an s3:// prefix holding `<version>.pt` and `<version>.json` (version, parent,
created_at, metrics) for every published checkpoint, and `<version>.onnx`, its packed served graph, for every one
that has a served graph (a mood checkpoint: what the torch-free CPU image serves; services/inference/model/packed.py).
The inference service loads `<store>/<version>.pt` (or, without PyTorch, `<version>.onnx`) when asked for a version
on reload."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from services.inference.adapters.storage import ensure_bucket, is_s3_uri, upload_artifact
from services.inference.model.checkpoint import Checkpoint
from services.inference.model.packed import PACKED_SUFFIX, packed_uri


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


def has_served_graph(checkpoint: Checkpoint) -> bool:
    """Whether the checkpoint can be packed: a versioned effnet-vae with a mood head and a feature mapping."""
    return (
        checkpoint.architecture == "effnet-vae"
        and checkpoint.mood_state is not None
        and checkpoint.feature_mapping is not None
        and bool(checkpoint.version)
        and checkpoint.head.genre_decoder
    )


def publish(path: Path, checkpoint: Checkpoint, store: str) -> str:
    """Copy the checkpoint file, its card and its packed graph into the store; returns the checkpoint's URI there."""
    from services.inference.model.served_graph import pack

    base = store.rstrip("/")
    with tempfile.TemporaryDirectory() as temp:
        files = {path: f"{checkpoint.version}.pt"}
        card_file = Path(temp) / f"{checkpoint.version}.json"
        card_file.write_text(json.dumps(card(checkpoint), indent=2, default=str) + "\n")
        files[card_file] = card_file.name
        if has_served_graph(checkpoint):
            graph_name = f"{checkpoint.version}{PACKED_SUFFIX}"
            files[pack(path, Path(temp) / graph_name)] = graph_name
        if is_s3_uri(store):
            for local, name in files.items():
                upload_artifact(local, f"{base}/{name}")
            return version_uri(store, checkpoint.version)
        folder = Path(store)
        folder.mkdir(parents=True, exist_ok=True)
        for local, name in files.items():
            shutil.copyfile(local, folder / name)
    return str(folder / f"{checkpoint.version}.pt")


def publish_to(path: Path, uri: str, *, create_bucket: bool = False) -> list[str]:
    """Put a checkpoint at `uri` (s3:// or a local path) and its packed graph beside it (`x.pt` -> `x.onnx`), packed
    now from the checkpoint; returns what was written. What Compose's `models-upload` one-shot runs."""
    from services.inference.model.served_graph import pack

    with tempfile.TemporaryDirectory() as temp:
        files = {path: uri, pack(path, Path(temp) / f"graph{PACKED_SUFFIX}"): packed_uri(uri)}
        if is_s3_uri(uri):
            if create_bucket:
                ensure_bucket(uri)
            for local, target in files.items():
                upload_artifact(local, target)
        else:
            for local, target in files.items():
                Path(target).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(local, target)
    return list(files.values())
