"""schemathesis against the running gateway's OpenAPI, the stateful phase included: a playlist made is fetched,
taken again, exported, rated and saved, and its session's ratings listed and deleted (the links in
services/gateway/api/openapi_links.py carry its id and session cookie). No 5xx; every answer documented and in its
schema."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import Stack
from tests.servers.schemathesis_run import run_schemathesis

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_the_gateway_honours_its_openapi_under_generated_requests(stack: Stack, tmp_path: Path) -> None:
    # Only the schema's links: the ones schemathesis infers from the path parameters carry no session cookie, so
    # they only ever reach 404 (a playlist is visible to the session that made it).
    run = run_schemathesis(
        f"{stack.gateway}/openapi.json",
        cwd=tmp_path,
        max_examples=25,
        hooks="tests.servers.schemathesis_hooks",
        infer_links=False,
        stateful_max_steps=80,  # eight links from a new playlist: the default walk reached five
        timeout_s=540,
    )
    # Every link from a new playlist was followed (save and save-again answer 401 signed out: documented); counted
    # from the document, so a new link is expected to be followed too.
    links = httpx.get(f"{stack.gateway}/openapi.json", timeout=10).json()["paths"]["/v1/playlists"]["post"]
    assert run.links_covered() == len(links["responses"]["201"]["links"]), run.report[-3000:]
