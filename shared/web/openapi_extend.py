"""Additions to the OpenAPI schema FastAPI generates (FastAPI's documented way to extend it): what a route cannot
declare itself, such as the errors a middleware answers before any route runs (a rate limit's 429, a body guard's
413 and 415), so a client generated from the document knows every status it can get.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI

Schema = dict[str, Any]
_TEMPLATE_PARAMETER = re.compile(r"\{[^}]+\}")


@dataclass(frozen=True)
class GuardedRoutes:
    """The requests a middleware guards (method and a path pattern, as the middleware matches them), the statuses
    it answers with the error envelope, and whether it guards only operations that take a JSON body."""

    method: str
    path: re.Pattern[str]
    statuses: tuple[int, ...]
    json_body_only: bool = False

    def guards(self, path: str, method: str, operation: Schema) -> bool:
        """True when a request to this documented operation passes through the middleware."""
        if method.upper() != self.method or not self.path.fullmatch(_TEMPLATE_PARAMETER.sub("x", path)):
            return False
        takes = operation.get("requestBody", {}).get("content", {})
        return not self.json_body_only or "application/json" in takes


def add_error_response(operation: Schema, status: int) -> None:
    """Document that the operation can answer `status` with the error envelope (a status already there stays)."""
    envelope = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
    responses = operation.setdefault("responses", {})
    responses.setdefault(str(status), {"description": HTTPStatus(status).phrase, "content": envelope})


def add_middleware_errors(schema: Schema, guarded: Sequence[GuardedRoutes]) -> Schema:
    """The schema with each guard's statuses on the operations it guards."""
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for guard in (g for g in guarded if g.guards(path, method, operation)):
                for status in guard.statuses:
                    add_error_response(operation, status)
    return schema


def extend_openapi(app: FastAPI, transform: Callable[[Schema], Schema]) -> None:
    """Serve the app's OpenAPI schema through `transform` (applied once, on first use; several may be chained)."""
    generate = app.openapi

    def openapi() -> Schema:
        if app.openapi_schema is None:
            app.openapi_schema = transform(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
