"""The end-to-end tests run against `stack` (tests/servers/stack.py, registered in tests/conftest.py so the browser
tests share the same running services)."""

from __future__ import annotations

from tests.servers.stack import Stack

__all__ = ["Stack"]
