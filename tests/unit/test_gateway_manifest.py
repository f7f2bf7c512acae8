"""The page installs on a phone's home screen: the gateway serves the web app manifest the page links, as
application/manifest+json, with the members a browser needs to offer installing it, and icons that are PNGs of the
sizes it states (drawn by scripts/make_app_icons.py). No service worker: installability needs none any more."""

from __future__ import annotations

import importlib.util
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from services.gateway.api.playlists import STATIC_DIR
from services.gateway.api.security_headers import CONTENT_SECURITY_POLICY
from services.gateway.app import create_app
from services.gateway.sessions import InProcessSessionStore
from services.gateway.settings import Settings
from shared.paths import REPO_ROOT
from tests.unit.test_gateway_api import FakeUpstreams

ICON_SCRIPT = REPO_ROOT / "scripts" / "make_app_icons.py"
HEX_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = create_app(Settings(), sessions=InProcessSessionStore(), transports=FakeUpstreams().transports())
    with TestClient(app) as test_client:
        yield test_client


def linked(html: str, rel: str) -> str:
    match = re.search(rf'<link rel="{rel}" href="([^"]+)"', html)
    assert match, f'no <link rel="{rel}"> on the page'
    return match.group(1)


def served_manifest(client: TestClient) -> dict[str, Any]:
    response = client.get(linked(client.get("/").text, "manifest"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/manifest+json"
    manifest: dict[str, Any] = json.loads(response.content)
    return manifest


def test_the_page_links_a_manifest_served_as_application_manifest_json(client: TestClient) -> None:
    manifest = served_manifest(client)
    assert manifest["name"] == "PRESSED / PLAY"
    assert 0 < len(manifest["short_name"]) <= 12  # what a launcher shows under the icon without cutting it
    assert manifest["start_url"] == "/" == manifest["scope"] == manifest["id"]
    assert manifest["display"] == "standalone"


def test_the_manifests_colours_are_the_pages_own(client: TestClient) -> None:
    manifest = served_manifest(client)
    stylesheet = client.get("/static/css/app.css").text
    ground = re.search(r"--ground: (#[0-9a-f]{6});", stylesheet)
    assert ground, "the page's ground colour (--ground) is not in app.css"
    assert manifest["background_color"] == ground.group(1)  # the splash screen fades into the page, no flash
    assert HEX_COLOUR.match(manifest["theme_color"])
    assert f'<meta name="theme-color" content="{manifest["theme_color"]}">' in client.get("/").text


def test_every_icon_is_served_as_a_png_of_the_size_it_states(client: TestClient) -> None:
    icons = served_manifest(client)["icons"]
    for icon in icons:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon
        assert response.headers["content-type"] == icon["type"] == "image/png"
        image = Image.open(io.BytesIO(response.content))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
    by_purpose = {(icon["purpose"], icon["sizes"]) for icon in icons}
    assert {("any", "192x192"), ("any", "512x512"), ("maskable", "512x512")} <= by_purpose


def test_a_maskable_icon_fills_its_square_and_keeps_the_record_in_the_safe_zone(client: TestClient) -> None:
    (maskable,) = [icon for icon in served_manifest(client)["icons"] if icon["purpose"] == "maskable"]
    image = Image.open(io.BytesIO(client.get(maskable["src"]).content)).convert("RGBA")
    side = image.width
    corners = [image.getpixel(xy) for xy in ((0, 0), (side - 1, 0), (0, side - 1), (side - 1, side - 1))]
    assert all(isinstance(pixel, tuple) and pixel[3] == 255 for pixel in corners)  # no transparency to mask badly
    assert len(set(corners)) == 1
    # The record's edge sits inside the 80% circle: just outside it, along the middle row, is still the ground.
    assert image.getpixel((round(side * 0.09), side // 2)) == corners[0]


def icon_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_app_icons", ICON_SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_icons_are_what_the_script_draws(tmp_path: Path) -> None:
    icon_script().main(["--out", str(tmp_path)])
    for drawn in tmp_path.iterdir():
        committed = Image.open(STATIC_DIR / "icons" / drawn.name)
        assert committed.tobytes() == Image.open(drawn).tobytes(), f"{drawn.name}: rerun scripts/make_app_icons.py"


def test_the_page_policy_lets_the_browser_fetch_the_manifest() -> None:
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    # manifest-src falls back to default-src: 'self' either way, as the manifest and its icons are the gateway's.
    assert "'self'" in directives.get("manifest-src", directives["default-src"]).split()
    assert "'self'" in directives["img-src"].split()
