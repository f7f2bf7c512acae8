"""Routes stay thin: each parses the request, calls one service function and renders the answer, in at most 15
lines from its `def` to its end (decorators, which document the route, not counted). Work that outgrows that belongs
in the service layer (services/<name>/service.py or the runtime's domain objects), where it is testable without
HTTP. `make check` runs this beside tests/unit/test_code_size.py."""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from services.feedback.app import create_app as feedback_app
from services.gateway.app import create_app as gateway_app
from services.inference.app import create_app as inference_app
from services.playlist.app import create_app as playlist_app

MAX_ROUTE_LINES = 15
APPS: dict[str, Callable[[], FastAPI]] = {
    "gateway": gateway_app,
    "inference": inference_app,
    "playlist": playlist_app,
    "feedback": feedback_app,
}


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every APIRoute, also those of included routers (FastAPI keeps those behind a wrapper of its own)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from api_routes(included.routes)


def route_lengths(app: FastAPI) -> Iterator[tuple[str, int]]:
    """(route, lines from `def` to the end) for every route of the app."""
    for route in api_routes(app.routes):
        endpoint: Any = route.endpoint
        node = ast.parse(textwrap.dedent(inspect.getsource(endpoint))).body[0]
        assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        where = f"{sorted(route.methods or ())} {route.path} ({inspect.getsourcefile(endpoint)}:{endpoint.__name__})"
        yield where, (node.end_lineno or node.lineno) - node.lineno + 1


@pytest.mark.parametrize("service", sorted(APPS))
def test_every_route_is_at_most_15_lines(service: str) -> None:
    lengths = dict(route_lengths(APPS[service]()))
    assert lengths, f"{service} has no routes?"
    long = {where: lines for where, lines in lengths.items() if lines > MAX_ROUTE_LINES}
    assert not long, f"routes over {MAX_ROUTE_LINES} lines (move the work into the service layer): {long}"


def test_the_measure_counts_from_def_to_the_last_line() -> None:
    app = FastAPI()

    @app.get("/long")
    async def long_route() -> dict[str, int]:
        total = 0
        for step in range(20):
            total += step
        answer = {"total": total}
        answer["a"] = 1
        answer["b"] = 2
        answer["c"] = 3
        answer["d"] = 4
        answer["e"] = 5
        answer["f"] = 6
        answer["g"] = 7
        answer["h"] = 8
        answer["i"] = 9
        return answer

    ((_, lines),) = route_lengths(app)
    assert lines == 15  # `def` to `return`: at the bound, one more line and it is over
