"""Benchmarks (`make bench` = `python -m bench`): every bench/bench_*.py module's main(), results written to docs/."""
