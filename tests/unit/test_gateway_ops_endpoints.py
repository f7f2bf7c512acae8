"""/metrics and the API docs on the public gateway: open in development, off or token-only in production."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from services.gateway.app import create_app
from services.gateway.settings import Settings

OPS_PATHS = ("/metrics", "/docs", "/redoc", "/openapi.json")
TOKEN = "s3cret-ops-token-for-tests"
# Production needs the deployment's service token (shared/secret_policy.py); these tests are about the ops routes.
SERVICE_TOKEN = SecretStr("a-service-token-for-the-ops-tests")


def statuses(headers: dict[str, str] | None = None, **settings: Any) -> dict[str, int]:
    with TestClient(create_app(Settings(service_token=SERVICE_TOKEN, **settings))) as client:
        return {path: client.get(path, headers=headers).status_code for path in OPS_PATHS}


def test_in_development_metrics_and_docs_are_open() -> None:
    assert statuses() == dict.fromkeys(OPS_PATHS, 200)


def test_in_production_without_a_token_they_are_not_there() -> None:
    assert statuses(environment="production") == dict.fromkeys(OPS_PATHS, 404)


def test_in_production_with_a_token_they_need_it() -> None:
    assert statuses(environment="production", ops_token=TOKEN) == dict.fromkeys(OPS_PATHS, 401)
    wrong = {"Authorization": "Bearer not-the-token"}
    assert statuses(wrong, environment="production", ops_token=TOKEN) == dict.fromkeys(OPS_PATHS, 401)
    right = {"Authorization": f"Bearer {TOKEN}"}
    assert statuses(right, environment="production", ops_token=TOKEN) == dict.fromkeys(OPS_PATHS, 200)


def test_each_group_can_be_set_on_its_own() -> None:
    answered = statuses(environment="production", metrics_access="open", docs_access="off")
    assert answered == {"/metrics": 200, "/docs": 404, "/redoc": 404, "/openapi.json": 404}


def test_a_refusal_is_the_envelope_and_the_product_routes_are_untouched() -> None:
    with TestClient(
        create_app(Settings(environment="production", ops_token=SecretStr(TOKEN), service_token=SERVICE_TOKEN))
    ) as client:
        refused = client.get("/metrics")
        assert refused.json()["error"] == "Unauthorized"
        assert refused.headers["WWW-Authenticate"] == "Bearer"
        assert refused.headers["X-Content-Type-Options"] == "nosniff"
        assert client.get("/v1/genres").status_code == 200
        assert client.get("/healthz").status_code == 200


def test_token_access_without_a_token_is_a_settings_error() -> None:
    with pytest.raises(ValidationError, match="GATEWAY_OPS_TOKEN"):
        Settings(metrics_access="token")
