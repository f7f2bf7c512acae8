"""The product stays readable: no module over 300 lines, no function over 60 (docs/architecture.md, STYLE.md).

A walk over the product packages' source; `make check` runs it too, so a long function fails the check, not a review.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from shared.paths import REPO_ROOT

PRODUCT = ("shared", "services", "pipeline")
MAX_MODULE_LINES = 300
# 60 lines is a screen: a function longer than that has steps that deserve names.
MAX_FUNCTION_LINES = 60
# Known exceptions, each to be split by whoever owns it (none now).
PENDING: frozenset[str] = frozenset()


def product_modules() -> Iterator[Path]:
    for package in PRODUCT:
        yield from sorted((REPO_ROOT / package).rglob("*.py"))


def test_no_product_module_is_over_300_lines() -> None:
    long = {}
    for path in product_modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            long[str(path.relative_to(REPO_ROOT))] = lines
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split them by what they hold): {long}"


def test_no_product_function_is_over_60_lines() -> None:
    long = {}
    for path in product_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES and f"{path.relative_to(REPO_ROOT)} {node.name}" not in PENDING:
                    long[f"{path.relative_to(REPO_ROOT)}:{node.lineno} {node.name}"] = lines
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines (name their steps): {long}"
