"""The gateway's committed OpenAPI document (api/openapi.json) is what the gateway serves, is a valid OpenAPI 3
document, and changes only compatibly unless the API's major version says otherwise; the check is shown catching
each kind of breaking change."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.contract.gateway_openapi import DOCUMENT, breaking_changes, current_document, main, major, render


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def served() -> dict[str, Any]:
    return current_document()


def test_the_committed_document_is_what_the_gateway_serves(committed, served):
    assert render(committed) == render(served), "run: .venv/bin/python -m tests.contract.gateway_openapi --write"


def test_the_committed_document_is_valid_openapi(committed):
    validate(committed)


def test_no_breaking_change_without_a_new_major_version(committed, served):
    broken = breaking_changes(committed, served)
    assert not broken or major(served) > major(committed), broken


def _schema_with_enum(document: dict[str, Any]) -> tuple[str, str, list[Any]]:
    for name, schema in document["components"]["schemas"].items():
        for field, spec in schema.get("properties", {}).items():
            if len(spec.get("enum", [])) > 1:
                return name, field, spec["enum"]
    raise AssertionError("no enum field in the document")


def test_each_kind_of_breaking_change_is_caught(served):
    def changed(edit) -> list[str]:
        new = copy.deepcopy(served)
        edit(new)
        return breaking_changes(served, new)

    schemas = served["components"]["schemas"]
    name, field, values = _schema_with_enum(served)
    assert changed(lambda d: d["paths"].pop("/v1/genres")) == ["path removed: /v1/genres"]
    assert changed(lambda d: d["paths"]["/v1/playlists/{playlist_id}"].pop("get")) == [
        "method removed: GET /v1/playlists/{playlist_id}"
    ]
    assert changed(lambda d: d["components"]["schemas"]["Playlist"]["properties"].pop("warnings")) == [
        "field removed: Playlist.warnings"
    ]
    assert changed(lambda d: d["components"]["schemas"][name]["properties"][field]["enum"].pop()) == [
        f"enum value removed: {name}.{field} {values[-1]!r}"
    ]
    # A field clients could leave out (the playlist's n) becomes one they must send.
    form = "Body_post_playlist_v1_playlists_post"
    assert "n" not in schemas[form].get("required", [])
    assert changed(lambda d: d["components"]["schemas"][form].setdefault("required", []).append("n")) == [
        f"field newly required: {form}.n"
    ]
    assert (
        changed(lambda d: d["components"]["schemas"]["Playlist"]["properties"].update(extra={"type": "string"})) == []
    )
    assert changed(lambda d: d["paths"].update({"/v1/new": {"get": {"responses": {}}}})) == []


def test_the_write_command_refuses_a_breaking_change_unless_the_major_version_goes_up(served, tmp_path, capsys):
    older = copy.deepcopy(served)
    older["paths"]["/v1/gone"] = {"get": {"responses": {"200": {"description": "was here"}}}}
    path = tmp_path / "openapi.json"
    path.write_text(render(older))
    assert main(["--write", "--path", str(path)]) == 1
    assert "path removed: /v1/gone" in capsys.readouterr().out
    assert json.loads(path.read_text()) == older  # untouched
    older["info"]["version"] = "0.9.0"  # the served 1.x is a new major version over it
    path.write_text(render(older))
    assert main(["--write", "--path", str(path)]) == 0
    assert json.loads(path.read_text()) == served
