"""The web page as the gateway serves it: static files, security headers, and the attention map it needs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from services.gateway.api.playlists import STATIC_DIR
from services.gateway.api.security_headers import CONTENT_SECURITY_POLICY, DOCS_CSP
from services.gateway.app import create_app
from services.gateway.sessions import InProcessSessionStore
from services.gateway.settings import Settings
from services.playlist.recommend import explain
from tests.unit.test_gateway_api import FakeUpstreams, make_playlist

ATTENTION = {"height": 2, "width": 3, "values": [[0.1, 0.2, 0.1], [0.3, 0.2, 0.1]]}


class FakeUpstreamsWithAttention(FakeUpstreams):
    """Inference that answers with the attention map when asked for it (?attention=true), as the real one does."""

    def __init__(self) -> None:
        super().__init__()
        self.attention_asked: list[str | None] = []

    def inference(self, request: httpx.Request) -> httpx.Response:
        answer = super().inference(request)
        if request.url.path != "/v1/predict" or answer.status_code != 200:
            return answer
        self.attention_asked.append(request.url.params.get("attention"))
        body = json.loads(answer.content)
        if request.url.params.get("attention") == "true":
            body["attention"] = ATTENTION
        return httpx.Response(200, json=body)


@pytest.fixture
def fakes() -> FakeUpstreamsWithAttention:
    return FakeUpstreamsWithAttention()


@pytest.fixture
def client(fakes: FakeUpstreamsWithAttention) -> Iterator[TestClient]:
    app = create_app(Settings(), sessions=InProcessSessionStore(), transports=fakes.transports())
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "path", ["/", "/static/js/main.js", "/static/css/app.css", "/static/favicon.svg", "/favicon.ico", "/static/nope"]
)
def test_the_page_and_its_files_carry_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_policy_forbids_inline_code_and_framing_and_allows_only_the_spotify_player() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["frame-src"] == "https://open.spotify.com"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_the_page_has_no_inline_script_or_style(client: TestClient) -> None:
    html = client.get("/").text
    assert "<style" not in html
    assert " style=" not in html
    assert '<script type="module" src="/static/js/main.js"></script>' in html
    assert html.count("<script") == 1


def test_the_api_keeps_its_own_headers_and_the_docs_theirs(client: TestClient) -> None:
    assert client.get("/docs").headers["Content-Security-Policy"] == DOCS_CSP
    assert client.get("/v1/genres").headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_static_files_have_their_types(client: TestClient) -> None:
    assert client.get("/static/js/main.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/css/app.css").headers["content-type"].startswith("text/css")
    assert client.get("/favicon.ico").headers["content-type"] == "image/svg+xml"
    assert client.get("/static/nope").status_code == 404


def test_a_playlist_carries_the_attention_map_the_page_draws_as_a_heat_map(
    client: TestClient, fakes: FakeUpstreamsWithAttention
) -> None:
    made = make_playlist(client).json()
    assert fakes.attention_asked == ["true"]
    assert made["attention"] == ATTENTION
    assert client.get(f"/v1/playlists/{made['id']}").json()["attention"] == ATTENTION


def test_the_pages_mood_words_are_the_ones_each_tracks_why_uses() -> None:
    script = (STATIC_DIR / "js" / "reading.js").read_text()

    def js_constant(name: str) -> object:
        match = re.search(rf"const {name} = (\[.*?\]);\n", script, flags=re.DOTALL)
        assert match, f"{name} not found in reading.js"
        return json.loads(re.sub(r",(\s*\])", r"\1", match.group(1)))

    assert js_constant("VALENCE_BANDS") == list(explain.VALENCE_BANDS)
    assert js_constant("ENERGY_BANDS") == list(explain.ENERGY_BANDS)
    assert js_constant("MOOD_WORDS") == [list(row) for row in explain.MOOD_WORDS]
    playlist_script = (STATIC_DIR / "js" / "playlist.js").read_text()
    titles = re.search(r"const MODE_TITLES = (\[.*?\]);\n", playlist_script, flags=re.DOTALL)
    assert titles, "MODE_TITLES not found in playlist.js"
    assert dict(json.loads(re.sub(r",(\s*\])", r"\1", titles.group(1)))) == explain.MODE_TITLES
