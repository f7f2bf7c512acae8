"""The body guard refuses a body of the wrong media type with 415, but a POST with no body at all (sign-out, save,
shuffle: routes that take none) passes to its route. schemathesis found the playlist service's bodyless Spotify
routes answering an undocumented 415 to a POST without Content-Type."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from shared.web.body_limits import BodyGuard, json_problem, json_rule
from shared.web.errors import install_error_handlers


class Genres(BaseModel):
    genres: list[str]


def guarded_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(BodyGuard, rules=[json_rule(r"/.*", max_bytes=1000)])

    @app.post("/sign-out", status_code=204)
    async def sign_out() -> None:
        return None

    @app.put("/genres")
    async def put_genres(body: Genres) -> Genres:
        return body

    return app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(guarded_app())


def test_a_post_without_a_body_reaches_a_route_that_takes_none(client: TestClient) -> None:
    assert client.post("/sign-out").status_code == 204
    assert client.post("/sign-out", headers={"Content-Length": "0"}).status_code == 204


def test_a_route_that_needs_a_body_says_so_with_422_when_none_came(client: TestClient) -> None:
    answer = client.put("/genres")
    assert answer.status_code == 422 and answer.json()["error"] == "ValidationError"


def test_a_body_without_or_with_the_wrong_media_type_is_still_415(client: TestClient) -> None:
    untyped = client.put("/genres", content=b'{"genres": []}', headers={"Content-Type": ""})
    assert untyped.status_code == 415 and untyped.json()["error"] == "UnsupportedMediaType"
    assert client.put("/genres", content=b"genres=a", headers={"Content-Type": "text/plain"}).status_code == 415
    assert client.put("/genres", json={"genres": ["jazz"]}).status_code == 200


@pytest.mark.parametrize(("body", "why"), [(b'{"genres": ["\xff"]}', "not UTF-8"), (b"{", "decode")])
def test_a_body_that_is_no_json_is_a_422_saying_why(body: bytes, why: str) -> None:
    with TestClient(guarded_app()) as client:
        answer = client.put("/genres", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422 and answer.json()["error"] == "ValidationError"
    assert why in answer.json()["detail"][0]["msg"]


def test_json_nested_past_the_parsers_depth_is_a_problem_named_not_a_crash() -> None:
    # The parser's RecursionError had escaped as a 500 (the gateway's hostile-input property test found it).
    problem = json_problem(b"[" * 5000)
    assert problem is not None and problem["msg"] == "the JSON is nested too deeply"
