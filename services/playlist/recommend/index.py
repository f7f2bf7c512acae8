"""Nearest-neighbour search over feature vectors, behind one small Protocol so an operator can swap the index.

`ExactIndex` (numpy, blocked) is exact and needs no extra package; it serves the shipped 28k catalog.
`FaissIVFIndex` (optional `faiss-cpu`) is an approximate inverted-file index for catalogs of millions of tracks.
`choose_index` picks by catalog size, from measurements: see docs/recommender.md and bench/bench_recommender.py.
"""

from __future__ import annotations

import logging
from typing import Any, Final, Protocol

import numpy as np

# Rows scanned per block: big enough to amortise numpy call overhead, small enough to stay in cache-friendly sizes.
BLOCK_ROWS: Final = 262_144
# Measured (bench/RESULTS.md, "Recommender"; 2 shared CPUs): exact search of a k = 300 pool takes 40-80 ms at 1M rows
# and 450-750 ms at 10M; faiss IVF takes < 1 ms (genre subsets 1-9 ms) at 10M with recall 0.98-0.99. Exact stays
# the default while a request stays within a few tens of milliseconds.
EXACT_MAX_ROWS: Final = 500_000
# Gathered genre subsets kept by ExactIndex: enough for every seed genre of a 500k-track catalog.
SUBSET_CACHE_BYTES: Final = 256 * 2**20
MAX_CACHED_SUBSETS: Final = 256

log = logging.getLogger("pressedplay.playlist.index")


class FeatureIndex(Protocol):
    """k nearest vectors to a query, optionally among a subset of rows."""

    def __len__(self) -> int: ...

    def search(self, query: np.ndarray, *, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(row ids, squared distances) of the k nearest rows, nearest first; `rows` restricts the search."""
        ...


def _top_k(distances: np.ndarray, k: int) -> np.ndarray:
    if k >= distances.shape[0]:
        return np.argsort(distances, kind="stable")
    part = np.argpartition(distances, k - 1)[:k]
    return part[np.argsort(distances[part], kind="stable")]


class ExactIndex:
    """Exact squared-Euclidean search by blocked matrix-vector products (|x|^2 - 2 x.q + |q|^2)."""

    def __init__(
        self, vectors: np.ndarray, *, block_rows: int = BLOCK_ROWS, subset_cache_bytes: int = SUBSET_CACHE_BYTES
    ) -> None:
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._norms = np.einsum("ij,ij->i", self._vectors, self._vectors)
        self._block_rows = block_rows
        # The same row subsets (one per seed genre) come back on every request: gathering their vectors once turns a
        # scattered gather into a contiguous scan. Entries hold their `rows` array, so an id is never reused; two
        # threads racing on one subset only gather it twice.
        self._subsets: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._subset_budget = subset_cache_bytes

    def __len__(self) -> int:
        return int(self._vectors.shape[0])

    @property
    def nbytes(self) -> int:
        """Memory held by the index."""
        return int(self._vectors.nbytes + self._norms.nbytes)

    def search(self, query: np.ndarray, *, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Exact k nearest; ties broken by row order, so results are deterministic."""
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        q_norm = float(q @ q)
        total = len(self) if rows is None else int(rows.shape[0])
        k = min(k, total)
        if k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        subset = self._cached_subset(rows) if rows is not None else None
        best_ids: list[np.ndarray] = []
        best_d: list[np.ndarray] = []
        for start in range(0, total, self._block_rows):
            stop = min(start + self._block_rows, total)
            if rows is None:
                ids = np.arange(start, stop, dtype=np.int64)
                block, norms = self._vectors[start:stop], self._norms[start:stop]
            elif subset is not None:
                ids = subset[0][start:stop].astype(np.int64, copy=False)
                block, norms = subset[1][start:stop], subset[2][start:stop]
            else:
                ids = rows[start:stop].astype(np.int64, copy=False)
                block, norms = self._vectors[ids], self._norms[ids]
            d = norms - 2.0 * (block @ q) + q_norm
            keep = _top_k(d, k)
            best_ids.append(ids[keep])
            best_d.append(d[keep])
        all_ids, all_d = np.concatenate(best_ids), np.concatenate(best_d)
        order = np.lexsort((all_ids, all_d))[:k]
        return all_ids[order], np.maximum(all_d[order], 0.0).astype(np.float32)

    def _cached_subset(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        hit = self._subsets.get(id(rows))
        if hit is not None and hit[0] is rows:
            return hit
        size = int(rows.shape[0]) * (self._vectors.shape[1] + 1) * 4
        if len(self._subsets) >= MAX_CACHED_SUBSETS or size > self._subset_budget:
            return None
        self._subset_budget -= size
        entry = (rows, self._vectors[rows], self._norms[rows])
        self._subsets[id(rows)] = entry
        return entry


class FaissIVFIndex:
    """Approximate search with faiss IndexIVFFlat; `rows` becomes a faiss ID selector. Needs `faiss-cpu`."""

    def __init__(self, vectors: np.ndarray, *, nlist: int | None = None, nprobe: int = 16, seed: int = 0) -> None:
        import faiss  # optional dependency: imported only when this index is chosen

        self._faiss: Any = faiss
        data = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = data.shape
        # ~2 sqrt(n) lists keeps both training (k-means on 40 points per list) and probing cheap at 10M rows.
        nlist = nlist or int(np.clip(2 * np.sqrt(n), 16, 8_192))
        quantiser = faiss.IndexFlatL2(dim)
        self._index = faiss.IndexIVFFlat(quantiser, dim, nlist)
        rng = np.random.default_rng(seed)
        sample = data[rng.choice(n, size=min(n, 40 * nlist), replace=False)]
        self._index.train(sample)
        self._index.add(data)
        self._nprobe = nprobe
        self._n = int(n)
        # Genre subsets recur (one per seed genre), so their faiss bitmaps are built once and kept.
        self._bitmaps: dict[tuple[int, int, int], np.ndarray] = {}

    def __len__(self) -> int:
        return self._n

    def search(self, query: np.ndarray, *, k: int, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Approximate k nearest (nprobe inverted lists); a subset search probes more lists to find enough rows."""
        faiss = self._faiss
        q = np.asarray(query, dtype=np.float32).reshape(1, -1)
        k = min(k, self._n if rows is None else int(rows.shape[0]))
        if k <= 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        params = faiss.SearchParametersIVF()
        params.nprobe = self._nprobe
        if rows is not None:
            bitmap = self._bitmap(rows)
            selector = faiss.IDSelectorBitmap(self._n, faiss.swig_ptr(bitmap))
            params.sel = selector
            # A subset holding fraction f of the rows needs about 1/f times the lists to yield k hits.
            fraction = max(rows.shape[0] / self._n, 1e-6)
            params.nprobe = int(min(self._index.nlist, np.ceil(self._nprobe / fraction)))
        distances, ids = self._index.search(q, k, params=params)
        found = ids[0] >= 0
        return ids[0][found].astype(np.int64), distances[0][found].astype(np.float32)

    def _bitmap(self, rows: np.ndarray) -> np.ndarray:
        key = (rows.__array_interface__["data"][0], int(rows.shape[0]), int(rows[0]) if rows.size else -1)
        if key not in self._bitmaps:
            mask = np.zeros(self._n, dtype=bool)
            mask[rows] = True
            self._bitmaps[key] = np.packbits(mask, bitorder="little")
        return self._bitmaps[key]


def choose_index(vectors: np.ndarray, *, exact_max_rows: int = EXACT_MAX_ROWS) -> FeatureIndex:
    """Exact search up to exact_max_rows; above it faiss IVF when installed (else exact, slower but correct)."""
    if vectors.shape[0] <= exact_max_rows:
        return ExactIndex(vectors)
    try:
        return FaissIVFIndex(vectors)
    except ImportError:
        log.warning("feature_index.exact_fallback", extra={"rows": int(vectors.shape[0]), "reason": "no faiss"})
        return ExactIndex(vectors)
