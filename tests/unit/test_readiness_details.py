"""/readyz answers 503 "not_ready", never a 500, when what a service shows beside its checks fails (the feedback
service's outbox file, read for its backlog)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from shared.web.health import mount_health


async def answers() -> bool:
    return True


def test_readyz_is_503_not_500_when_its_details_fail() -> None:
    async def failing_details() -> dict[str, Any]:
        raise RuntimeError("the outbox file cannot be read")

    app = FastAPI()
    mount_health(app, lambda: {"outbox": answers}, details=failing_details)
    response = TestClient(app).get("/readyz")
    assert response.status_code == 503  # before: the exception escaped as a 500
    assert response.json() == {"status": "not_ready", "checks": {"outbox": True}}


def test_readyz_shows_its_details_beside_the_checks() -> None:
    async def details() -> dict[str, Any]:
        return {"outbox": {"backlog": 2}}

    app = FastAPI()
    mount_health(app, lambda: {"outbox": answers}, details=details)
    response = TestClient(app).get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"outbox": True}, "outbox": {"backlog": 2}}
