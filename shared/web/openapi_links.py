"""OpenAPI links added to a service's generated schema: what a client does next with something it created.

Links document the API's steps (a created rating is listed by its playlist) and drive schemathesis' stateful phase
(tests/servers/schemathesis_run.py). They are added to the schema FastAPI generates, FastAPI's documented way to
extend it, so a link can name a setting (the gateway's session cookie) and routes stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI

from shared.web.openapi_extend import extend_openapi

# (path, method, status) of a response -> {link name: the OpenAPI Link object, with operationId naming the target}
LinkTable = Mapping[tuple[str, str, str], Mapping[str, dict[str, Any]]]


def add_links(schema: dict[str, Any], table: LinkTable) -> dict[str, Any]:
    """The schema with the table's links on each response it documents (a missing response or target is skipped)."""
    paths = schema.get("paths", {})
    operations = {op.get("operationId") for item in paths.values() for op in item.values() if isinstance(op, dict)}
    for (path, method, status), links in table.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        present = {name: link for name, link in links.items() if link["operationId"] in operations}
        if response is not None and present:
            response["links"] = present
    return schema


def install_links(app: FastAPI, table: LinkTable) -> None:
    """Serve the app's OpenAPI schema with the table's links."""
    extend_openapi(app, lambda schema: add_links(schema, table))
