"""Experiments and probes (see README.md); the product never imports this package."""
