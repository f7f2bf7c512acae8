"""Issue 14, finding 8 (headers): every gateway response carries the security headers, API answers and errors
included, not only the page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from services.gateway.api.security_headers import API_HEADERS, CONTENT_SECURITY_POLICY, DOCS_CSP
from tests.unit.test_gateway_api import client, fakes, make_playlist

__all__ = ["client", "fakes"]  # fixtures


@pytest.mark.parametrize("path", ["/v1/genres", "/healthz", "/v1/playlists/nope", "/no-such-route"])
def test_every_api_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    for name, value in API_HEADERS.items():
        assert response.headers[name] == value, (path, name)
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_an_upload_answer_and_the_page_carry_them_too(client: TestClient) -> None:
    made = make_playlist(client)
    assert made.headers["X-Content-Type-Options"] == "nosniff"
    assert made.headers["Content-Security-Policy"] == API_HEADERS["Content-Security-Policy"]
    assert client.get("/").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_load_their_viewers_from_the_gateway_under_a_csp_without_inline_script(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Security-Policy"] == DOCS_CSP
    assert "script-src 'self';" in DOCS_CSP and "unsafe-eval" not in DOCS_CSP
    sources = re.findall(r'<script src="([^"]+)"></script>', response.text)
    assert response.text.count("<script") == len(sources) == 2  # the viewer and its starter: no inline script
    for source in sources:
        assert source.startswith("/") and client.get(source).status_code == 200, source
