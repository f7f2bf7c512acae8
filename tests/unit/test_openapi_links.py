"""The OpenAPI links the stateful schemathesis runs follow: every link names an operation the schema has, and the
gateway's carry the session cookie under the configured name (a renamed target would silently drop a link)."""

from __future__ import annotations

from typing import Any

from services.feedback.app import create_app as feedback_app
from services.gateway.app import create_app as gateway_app
from services.gateway.settings import Settings as GatewaySettings
from shared.web.openapi_links import add_links


def operation_ids(schema: dict[str, Any]) -> set[str]:
    return {op["operationId"] for item in schema["paths"].values() for op in item.values()}


def test_a_new_playlist_links_to_each_next_step_with_its_id_and_session_cookie() -> None:
    schema = gateway_app(GatewaySettings(cookie_name="pp_other")).openapi()
    links = schema["paths"]["/v1/playlists"]["post"]["responses"]["201"]["links"]
    assert set(links) == {
        "GetPlaylist",
        "AnotherTake",
        "ExportPlaylist",
        "RatePlaylist",
        "SavePlaylist",
        "SaveToSpotifyAgain",
        "ListMyRatings",
        "DeleteMyRatings",
    }
    assert {link["operationId"] for link in links.values()} <= operation_ids(schema)
    for link in links.values():
        assert link["parameters"]["cookie.pp_other"] == "$response.header.Set-Cookie#regex:pp_other=([^;]+)"
    assert links["RatePlaylist"]["parameters"]["path.playlist_id"] == "$response.body#/id"


def test_a_posted_rating_links_to_its_playlist_and_rater_ratings() -> None:
    schema = feedback_app().openapi()
    for status in ("200", "201", "202"):
        links = schema["paths"]["/v1/ratings"]["post"]["responses"][status]["links"]
        assert {link["operationId"] for link in links.values()} <= operation_ids(schema)
        assert links["ListPlaylistRatings"]["parameters"] == {"query.playlist_id": "$response.body#/playlist_id"}


def test_a_link_to_an_operation_the_schema_lacks_is_left_out() -> None:
    schema = {"paths": {"/a": {"post": {"operationId": "make_a", "responses": {"201": {"description": "made"}}}}}}
    table = {("/a", "post", "201"): {"Gone": {"operationId": "no_such_operation"}}}
    assert "links" not in add_links(schema, table)["paths"]["/a"]["post"]["responses"]["201"]
