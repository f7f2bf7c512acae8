"""Objects are complete at construction: nothing in services/ asks whether an object has grown an attribute yet
(`hasattr`), the question a half-built object forces on its readers (issue 24: feedback's route asked whether the
runtime's metrics had been attached). A Protocol says what an adapter offers; a dependency that may be absent is
an explicit `None`."""

from __future__ import annotations

import ast

from shared.paths import REPO_ROOT


def hasattr_calls(source: str) -> list[int]:
    """Line numbers of every hasattr(...) call."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "hasattr"
    ]


def test_no_module_of_the_services_asks_hasattr() -> None:
    found = {
        f"{path.relative_to(REPO_ROOT)}:{line}"
        for path in sorted((REPO_ROOT / "services").rglob("*.py"))
        for line in hasattr_calls(path.read_text(encoding="utf-8"))
    }
    assert not found, f"hasattr in services (build the object whole; say optional parts with None): {sorted(found)}"


def test_the_search_finds_a_hasattr_call() -> None:
    source = "def f(runtime):\n    if hasattr(runtime, 'outcomes'):\n        return 1\n"
    assert hasattr_calls(source) == [2]
    assert hasattr_calls("x = 'hasattr(a, b)'  # hasattr in a string or a comment is no call\n") == []


def test_the_walk_covers_every_service() -> None:
    services = {path.parts[-1] for path in (REPO_ROOT / "services").iterdir() if (path / "app.py").is_file()}
    assert services == {"gateway", "inference", "playlist", "feedback"}
