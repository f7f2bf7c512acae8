"""Run every bench/bench_*.py module's main(), in name order; `python -m bench recommender` runs only matching ones."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import bench


def main(argv: list[str]) -> int:
    """Run the selected benchmark modules; returns the number that failed."""
    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    selected = [n for n in names if not argv or any(word in n for word in argv)]
    failed = 0
    for name in selected:
        module = importlib.import_module(f"bench.{name}")
        start = time.perf_counter()
        print(f"== {name}", flush=True)
        try:
            module.main()
        except Exception as exc:  # one broken benchmark must not hide the others' results
            failed += 1
            print(f"== {name} failed: {type(exc).__name__}: {exc}", flush=True)
            continue
        print(f"== {name} done in {time.perf_counter() - start:.1f} s", flush=True)
    return failed


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1:]) else 0)
