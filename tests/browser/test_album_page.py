"""Several photos on the page (issue 25): chosen, taken or dropped together they make a strip in the order they will
be sent, each can be left out before sending, one left is the large preview as ever, and the page installs on a
phone's home screen (its manifest as Chromium itself reads it)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from services.gateway.collage import tile_boxes
from tests.browser.conftest import PHONE, Visit, visit
from tests.browser.test_page import CONTRAST_FAILURES
from tests.e2e.test_playlist_flow import sunset_photo
from tests.servers.stack import Stack

if TYPE_CHECKING:  # Playwright is imported at run time only after conftest's importorskip
    from playwright.sync_api import Browser, FilePayload, Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]
COLOURS = {"red": (220, 40, 40), "green": (40, 180, 70), "blue": (40, 70, 220), "gold": (230, 190, 40)}


def photo(colour: tuple[int, int, int], size: tuple[int, int] = (480, 360)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def as_file(name: str, data: bytes, mime: str = "image/jpeg") -> FilePayload:
    return {"name": name, "mimeType": mime, "buffer": data}


def choose_photos(page: Page, names: list[str]) -> None:
    page.set_input_files("#photo", files=[as_file(f"{name}.jpg", photo(COLOURS[name])) for name in names])


def strip_names(page: Page) -> list[str]:
    """The strip's photos as a screen reader hears them: "Photo 1, red.jpg", ..."""
    return page.locator("#strip .strip-thumb").evaluate_all("images => images.map((image) => image.alt)")


def drop_files(page: Page, files: list[tuple[str, bytes]]) -> None:
    """Drop several files on the photo box at once, as a person dragging them from a folder."""
    page.evaluate(
        """(files) => {
            const transfer = new DataTransfer();
            for (const [name, bytes] of files) {
                transfer.items.add(new File([new Uint8Array(bytes)], name, { type: "image/jpeg" }));
            }
            const box = document.getElementById("drop");
            for (const type of ["dragenter", "dragover", "drop"]) {
                box.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
            }
        }""",
        [[name, list(data)] for name, data in files],
    )


def playlist_requests(page: Page) -> list[str]:
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if "/v1/playlists" in request.url else None)
    return sent


def test_photos_chosen_and_dropped_line_up_in_the_strip_and_one_can_be_left_out(desktop: Visit) -> None:
    page = desktop.open()
    sent = playlist_requests(page)
    choose_photos(page, ["red", "green"])
    page.wait_for_selector("#strip:not([hidden]) .strip-item >> nth=1")
    assert page.locator("#stage").is_hidden()  # several photos: the strip, not one large preview
    drop_files(page, [("blue.jpg", photo(COLOURS["blue"])), ("gold.jpg", photo(COLOURS["gold"]))])
    page.wait_for_selector("#strip .strip-item >> nth=3")
    assert strip_names(page) == ["Photo 1, red.jpg", "Photo 2, green.jpg", "Photo 3, blue.jpg", "Photo 4, gold.jpg"]
    page.wait_for_function(
        "[...document.querySelectorAll('#strip .strip-thumb')].every((image) => image.naturalWidth === 160)"
    )
    # Each thumbnail is its own photo, in order: the middle of each is that photo's colour.
    middles = page.locator("#strip .strip-thumb").evaluate_all(
        """images => images.map((image) => {
            const canvas = document.createElement("canvas");
            canvas.width = canvas.height = 1;
            canvas.getContext("2d").drawImage(image, 80, 80, 1, 1, 0, 0, 1, 1);
            return [...canvas.getContext("2d").getImageData(0, 0, 1, 1).data.slice(0, 3)];
        })"""
    )
    for seen, name in zip(middles, ["red", "green", "blue", "gold"], strict=True):
        assert sum(abs(a - b) for a, b in zip(seen, COLOURS[name], strict=True)) < 40, (name, seen)
    assert page.locator("#pick-label").inner_text() == "Add photos"
    assert "4 photos ready" in page.locator("#status").inner_text()
    assert page.locator("#album-order").is_visible()
    assert page.evaluate(CONTRAST_FAILURES) == []  # the numbers on the thumbnails, the order choice

    page.click("[aria-label='Remove photo 2, green.jpg']")
    assert strip_names(page) == ["Photo 1, red.jpg", "Photo 2, blue.jpg", "Photo 3, gold.jpg"]
    assert "Removed photo 2, green.jpg. 3 left." in page.locator("#status").inner_text()
    # The keyboard stays in the strip: on the remove button of the photo that took the removed one's place.
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Remove photo 2, blue.jpg"
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert strip_names(page) == []
    # One photo left: the large preview, as a single photo always had, and no strip.
    page.wait_for_selector("#stage:not([hidden])")
    assert page.locator("#preview").get_attribute("alt") == "Your photo, red.jpg"
    assert page.locator("#strip").is_hidden() and page.locator("#album-order").is_hidden()
    page.click("#stage-remove")
    assert page.locator("#stage").is_hidden()
    assert page.locator("#pick-label").inner_text() == "Choose photos"
    assert sent == []  # nothing leaves the page until the person asks for the playlist


def test_a_bad_file_among_good_ones_is_refused_and_the_good_ones_stay(desktop: Visit) -> None:
    page = desktop.open()
    choose_photos(page, ["red"])
    page.wait_for_selector("#stage:not([hidden])")
    files = [as_file("green.jpg", photo(COLOURS["green"])), as_file("notes.jpg", b"text, not a photo")]
    page.set_input_files("#photo", files=files)
    page.locator("#photo-error").wait_for()
    refusal = page.locator("#photo-error").inner_text()
    assert '"notes.jpg" isn\'t a photo we can read' in refusal
    assert "Your previous photo is still here" in refusal
    page.wait_for_selector("#strip .strip-item >> nth=1")
    assert strip_names(page) == ["Photo 1, red.jpg", "Photo 2, green.jpg"]


def test_more_photos_than_one_playlist_takes_are_refused_past_the_thirtieth(desktop: Visit) -> None:
    page = desktop.open()
    tiny = photo((120, 120, 160), (40, 30))
    page.set_input_files("#photo", files=[as_file(f"p{i:02}.jpg", tiny) for i in range(1, 33)])
    page.locator("#photo-error").wait_for()
    assert "One playlist takes up to 30 photos: 2 were left out." in page.locator("#photo-error").inner_text()
    assert len(strip_names(page)) == 30
    assert strip_names(page)[-1] == "Photo 30, p30.jpg"
    # At least one track per photo: the length moves up to 30 and cannot go below it.
    assert page.locator("#length-out").inner_text() == "30 tracks"
    page.locator("#length").focus()
    page.keyboard.press("ArrowLeft")
    assert page.locator("#length-out").inner_text() == "30 tracks"


@pytest.fixture
def touch_phone(browser: Browser, stack: Stack) -> Iterator[Visit]:
    """A phone with a touch screen (pointer: coarse), where the page offers the camera."""
    yield from visit(browser, stack, PHONE, touch=True)


def test_on_a_touch_phone_the_camera_is_offered_beside_the_chooser_and_the_strip_fits(touch_phone: Visit) -> None:
    page = touch_phone.open()
    assert page.locator("#camera-label").is_visible()
    assert page.get_attribute("#camera", "capture") == "environment"
    # The chooser keeps the camera roll: capture on it would make a phone open the camera only.
    assert page.get_attribute("#photo", "capture") is None
    assert page.get_attribute("#photo", "multiple") is not None
    assert page.get_attribute("#photo", "accept") == page.get_attribute("#camera", "accept") == "image/*"
    page.set_input_files("#camera", files=[as_file("taken.jpg", sunset_photo())])  # what the camera hands back
    page.wait_for_selector("#stage:not([hidden])")
    choose_photos(page, ["red", "green", "blue", "gold", "red"])
    page.wait_for_selector("#strip .strip-item >> nth=5")
    assert strip_names(page)[0] == "Photo 1, taken.jpg"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for box in (page.locator(".strip-remove").nth(i).bounding_box() for i in range(6)):
        assert box and box["width"] >= 30 and box["height"] >= 30  # a finger's target
    touch_phone.screenshot("phone-album-strip", full_page=False)


def test_on_a_desktop_there_is_no_camera_button_and_the_keyboard_path_is_unchanged(desktop: Visit) -> None:
    page = desktop.open()
    assert page.locator("#camera-label").is_hidden()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "photo"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "mode-match"


def test_the_page_installs_from_a_manifest_chromium_reads_without_errors(desktop: Visit) -> None:
    page = desktop.open()
    href = page.get_attribute("link[rel=manifest]", "href")
    assert href
    session = page.context.new_cdp_session(page)
    manifest = session.send("Page.getAppManifest")
    assert manifest["url"].endswith(href)
    assert manifest["errors"] == [], manifest["errors"]
    assert '"display": "standalone"' in manifest["data"]
    for icon in ("/static/icons/icon-192.png", "/static/icons/icon-512.png", "/static/icons/icon-maskable-512.png"):
        response = page.request.get(desktop.stack.gateway + icon)
        assert response.ok and response.headers["content-type"] == "image/png"


def test_the_pages_cover_lays_out_the_photos_as_the_spotify_collage_does(desktop: Visit) -> None:
    page = desktop.open()
    for count in (1, 2, 3, 4, 6, 7, 9, 30):
        drawn = page.evaluate(
            "(count) => import('/static/js/album-view.js').then((view) => view.tileBoxes(count, 640))", count
        )
        page_boxes = [(b["left"], b["top"], b["left"] + b["width"], b["top"] + b["height"]) for b in drawn]
        assert page_boxes == tile_boxes(count, 640), count


def drop_padded(page: Page, files: list[tuple[str, float]]) -> None:
    """Drop photos of about these many MB: a small JPEG and zeros after its end, which every decoder skips (made in
    the page: 40 MB through Playwright's pipe would cost a minute)."""
    page.evaluate(
        """([jpeg, files]) => {
            const transfer = new DataTransfer();
            for (const [name, megabytes] of files) {
                const padding = new Uint8Array(Math.round(megabytes * 1024 * 1024) - jpeg.length);
                transfer.items.add(new File([new Uint8Array(jpeg), padding], name, { type: "image/jpeg" }));
            }
            const box = document.getElementById("drop");
            box.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }""",
        [list(photo(COLOURS["blue"])), files],
    )


def test_photos_over_what_one_request_carries_together_are_refused_as_they_are_added(desktop: Visit) -> None:
    page = desktop.open()
    drop_padded(page, [*((f"big{i}.jpg", 9.5) for i in range(4)), ("more.jpg", 2.5)])  # 38 MB, then 40.5 MB
    page.locator("#photo-error").wait_for()
    assert '"more.jpg" would take your photos over 40 MB together' in page.locator("#photo-error").inner_text()
    page.wait_for_selector("#strip .strip-item >> nth=3")
    assert len(strip_names(page)) == 4
    choose_photos(page, ["gold"])  # a small one still fits
    page.wait_for_selector("#strip .strip-item >> nth=4")
    assert strip_names(page)[-1] == "Photo 5, gold.jpg"
