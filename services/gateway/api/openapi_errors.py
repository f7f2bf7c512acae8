"""Errors the gateway answers outside its routes' own declarations, added to its OpenAPI document so a generated
client knows every status it can get: the middleware's (the cross-site guard's 403, the JSON body guard's 413 / 415,
the rate limit's 429) and
the session dependency's (401 for a bearer token that is no live session, 503 when the session store is down).
"""

from __future__ import annotations

import re
from typing import Final

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from services.gateway.api.dependencies import get_session_token
from services.gateway.rate_limit import LimitedRoute
from shared.web.openapi_extend import (
    GuardedRoutes,
    Schema,
    add_error_response,
    add_middleware_errors,
    extend_openapi,
)

# Every body the API takes but the photo upload's is small JSON (a rating, a genre list).
JSON_ROUTES: Final = r"/v1/.*"
SESSION_ERRORS: Final = (401, 503)


def middleware_errors(limited: list[LimitedRoute]) -> list[GuardedRoutes]:
    """What the cross-site guard, the JSON body guard and the rate limit (its `limited` routes) answer before any
    route runs."""
    api = re.compile(JSON_ROUTES)
    guarded = [GuardedRoutes(m, api, (403,)) for m in ("POST", "PUT", "DELETE")]
    guarded += [GuardedRoutes(m, api, (413, 415), json_body_only=True) for m in ("POST", "PUT")]
    return guarded + [GuardedRoutes(route.method, route.path, (429,)) for route in limited]


def add_session_errors(schema: Schema, app: FastAPI) -> Schema:
    """SESSION_ERRORS on every operation whose route reads the session (directly or through another dependency)."""
    for route in iter_route_contexts(app.routes):  # the routes of included routers too, with their prefixes
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        if not _reads_session(route.dependant):
            continue
        for method in route.methods or ():
            operation = schema.get("paths", {}).get(route.path_format, {}).get(method.lower())
            if operation is not None:
                for status in SESSION_ERRORS:
                    add_error_response(operation, status)
    return schema


def _reads_session(dependant: Dependant) -> bool:
    return dependant.call is get_session_token or any(_reads_session(d) for d in dependant.dependencies)


def install_error_docs(app: FastAPI, limited: list[LimitedRoute]) -> None:
    """Serve the app's OpenAPI document with the errors above (`limited`: the rate-limited routes, if any)."""
    guarded = middleware_errors(limited)
    extend_openapi(app, lambda schema: add_session_errors(add_middleware_errors(schema, guarded), app))
