"""Issue 22 in a real browser: what the page shows is true and every state has a next step. Errors show where the
eye is, the genre list stays on screen, a typed micro-genre says what it plays as, the docs load with the network
off, boost's words agree from the title to each why, and an upload sent while the model warms up waits for it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from pipeline.mood.scenes import night_street
from shared.paths import REPO_ROOT
from tests.browser.conftest import DESKTOP, PHONE, Visit, visit
from tests.browser.test_page import choose_photo, make_playlist
from tests.e2e.test_playlist_flow import sunset_photo
from tests.servers.process import ServerProcess, free_port
from tests.servers.stack import READY_TIMEOUT_S, Stack, procfile_commands

if TYPE_CHECKING:  # Playwright is imported at run time only after conftest's importorskip
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(params=[DESKTOP, PHONE], ids=["1280x800", "375x812"])
def either(request: pytest.FixtureRequest, browser: Browser, stack: Stack) -> Iterator[Visit]:
    yield from visit(browser, stack, request.param)


def in_view(page: Page, selector: str) -> bool:
    """Whether the element's box lies inside the viewport."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= size["height"] + 1 and box["x"] >= 0


def jpeg(image: object) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)  # type: ignore[attr-defined]
    return buffer.getvalue()


def test_an_error_is_scrolled_into_view_and_announced_at_both_widths(either: Visit) -> None:
    either.allowed_statuses = {503}
    page = either.open()
    envelope = {"error": "UpstreamUnavailable", "detail": "inference is unreachable", "request_id": "t"}
    page.route("**/v1/playlists", lambda route: route.fulfill(status=503, json=envelope, headers={"Retry-After": "5"}))
    choose_photo(page, sunset_photo())
    page.wait_for_selector("#stage:not([hidden])")
    page.evaluate("window.scrollTo(0, 0)")
    page.click("#make-button")
    page.locator("#error").wait_for()
    page.wait_for_function("() => { const r = document.getElementById('error').getBoundingClientRect();"
                           " return r.top >= 0 && r.bottom <= window.innerHeight; }")  # fmt: skip
    assert in_view(page, "#error")
    assert page.locator("#error").get_attribute("role") == "alert"
    either.screenshot(f"error-in-view-{page.viewport_size['width'] if page.viewport_size else 0}", full_page=False)


def test_the_genre_list_stays_on_screen_at_both_widths_even_at_the_bottom_edge(either: Visit) -> None:
    page = either.open()
    search = page.locator("#genre-search")
    search.click()
    search.fill("r")
    page.wait_for_selector("#genre-list:not([hidden])")
    assert in_view(page, "#genre-list")
    search.press("Escape")
    # The box at the very bottom of the window: the list opens above it rather than below the fold.
    page.evaluate(
        """() => { const box = document.getElementById('genre-search').getBoundingClientRect();
                   window.scrollBy(0, box.bottom - window.innerHeight + 8); }"""
    )
    search.fill("ro")
    page.wait_for_selector("#genre-list:not([hidden])")
    assert in_view(page, "#genre-list")
    width = page.viewport_size["width"] if page.viewport_size else 0
    either.screenshot(f"genre-list-at-the-edge-{width}", full_page=False)


def test_a_typed_micro_genre_says_on_its_chip_what_it_plays_as(desktop: Visit) -> None:
    page = desktop.open()
    mapped = httpx.get(f"{desktop.stack.gateway}/v1/genres/resolve", params={"name": "bedroom pop"}).json()["genres"]
    search = page.locator("#genre-search")
    search.fill("bedroom pop")
    search.press("Enter")
    page.wait_for_selector("#chips .chip")
    assert page.locator("#chips .chip").all_inner_texts() == [f"bedroom pop → {', '.join(mapped)}"]
    assert page.locator("#genre-note").inner_text() == f"Added bedroom pop (played as {', '.join(mapped)})."


def test_the_api_docs_list_the_operations_with_the_network_off(desktop: Visit) -> None:
    page = desktop.page
    gateway = desktop.stack.gateway
    elsewhere: list[str] = []

    def only_the_gateway(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(gateway) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            elsewhere.append(url)
            route.abort()  # type: ignore[attr-defined]

    page.context.route("**/*", only_the_gateway)
    page.goto(f"{gateway}/docs")
    page.wait_for_selector(".opblock-summary-path")
    paths = set(page.locator(".opblock-summary-path").all_inner_texts())
    assert {"/v1/playlists", "/v1/genres", "/v1/warmup"} <= {p.strip().replace("\u200b", "") for p in paths}
    desktop.screenshot("docs-offline", full_page=False)
    page.goto(f"{gateway}/redoc")
    page.locator("h2:has-text('Make a playlist from a photo')").first.wait_for()
    assert elsewhere == []


def test_in_boost_mode_the_title_the_mood_words_and_every_why_agree(desktop: Visit) -> None:
    page = desktop.open()
    choose_photo(page, jpeg(night_street(512)), name="night.jpg")
    page.click("label[for=mode-boost]")
    with page.expect_response("**/v1/playlists") as answer:
        make_playlist(page)
    playlist = answer.value.json()
    words = page.locator("#mood-words").inner_text()
    assert page.locator("#playlist-title").inner_text() == f"{words[:1].upper()}{words[1:]}, brightened up"
    whys = [track["why"] for track in playlist["tracks"]]
    assert len(whys) == 20 and len(set(whys)) >= 5, whys
    for why in whys:  # measured against the photo the person sees described, never against the boosted target
        assert ("than your photo" in why) or why.startswith(f"{words} like your photo"), (words, why)
    lifted = [why for why in whys if "brighter" in why or "livelier" in why]
    assert len(lifted) >= len(whys) // 2, whys
    assert page.locator(".track-why").all_inner_texts() == whys
    desktop.screenshot("boost-words")


@pytest.fixture
def warming(tmp_path: Path, stack: Stack) -> Iterator[tuple[str, ServerProcess]]:
    """A second gateway, on the stack's playlist and feedback services, whose inference is not started yet."""
    ports = {"gateway": free_port(), "inference": free_port()}
    env = {
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(ports["gateway"]),
        "GATEWAY_INFERENCE_URL": f"http://127.0.0.1:{ports['inference']}",
        "GATEWAY_PLAYLIST_URL": stack.playlist,
        "GATEWAY_FEEDBACK_URL": stack.feedback,
        "GATEWAY_WARMUP_WAIT_S": str(READY_TIMEOUT_S),  # the bound is measured in unit tests; here, a slow machine
        "INFERENCE_HOST": "127.0.0.1",
        "INFERENCE_PORT": str(ports["inference"]),
        "INFERENCE_DEVICE": "cpu",
    }
    commands = procfile_commands()
    inference = ServerProcess(
        "inference-late", commands["inference"], port=ports["inference"], log_dir=tmp_path, env=env,
        cwd=REPO_ROOT, start_timeout_s=READY_TIMEOUT_S,
    )  # fmt: skip
    with ServerProcess("gateway-warming", commands["gateway"], port=ports["gateway"], log_dir=tmp_path, env=env,
                       cwd=REPO_ROOT):  # fmt: skip
        try:
            yield f"http://127.0.0.1:{ports['gateway']}", inference
        finally:
            inference.stop()


def test_the_page_says_warming_up_and_an_upload_sent_meanwhile_waits_and_succeeds(
    browser: Browser, warming: tuple[str, ServerProcess]
) -> None:
    gateway, inference = warming
    context = browser.new_context(viewport=DESKTOP, reduced_motion="reduce")
    context.set_default_timeout(READY_TIMEOUT_S * 1000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(gateway + "/")
        page.wait_for_selector("#warmup:not([hidden])")
        assert "Warming up" in page.locator("#warmup").inner_text()
        choose_photo(page, sunset_photo())
        page.wait_for_selector("#stage:not([hidden])")
        with page.expect_response("**/v1/playlists") as answer:
            page.click("#make-button")
            page.wait_for_selector("#status:has-text('Warming up')")
            page.screenshot(path=str(REPO_ROOT / "var" / "browser" / "warming-up.png"))
            threading.Thread(target=inference.start, daemon=True).start()  # the model starts loading only now
            page.wait_for_selector("#result:not([hidden])")
        assert answer.value.status == 201
        page.wait_for_selector("#warmup[hidden]", state="attached")
        page.wait_for_selector("body[data-ready=true]")
        assert page.locator("#error").is_hidden()
        assert errors == []
    finally:
        context.close()
