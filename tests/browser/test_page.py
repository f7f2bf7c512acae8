"""The web page in a real browser, signed out: a photo becomes a playlist with what the model saw, the rating lands
in the store, errors read as sentences, the keyboard reaches every control, and a phone's width fits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3
import pytest

from services.playlist.recommend.explain import MOOD_WORDS as EXPLAIN_MOOD_WORDS
from tests.browser.conftest import Visit
from tests.e2e.test_playlist_flow import sunset_photo
from tests.servers.dynamodb import DYNAMODB_ENV
from tests.servers.stack import Stack

if TYPE_CHECKING:  # Playwright is imported at run time only after conftest's importorskip
    from playwright.sync_api import FilePayload, Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]
MOOD_WORDS = {words for row in EXPLAIN_MOOD_WORDS for words in row}  # the words each track's why uses
FEATURE_LABELS = {"Energy", "Danceable", "Happy", "Loud", "Spoken words", "Live feel", "Instrumental", "Acoustic"}


def choose_photo(page: Page, data: bytes, *, name: str = "sunset.jpg", mime: str = "image/jpeg") -> None:
    photo: FilePayload = {"name": name, "mimeType": mime, "buffer": data}
    page.set_input_files("#photo", files=[photo])


def pick_genre(page: Page, typed: str) -> None:
    search = page.locator("#genre-search")
    search.fill(typed)
    search.press("ArrowDown")
    search.press("Enter")


def make_playlist(page: Page) -> None:
    page.click("#make-button")
    page.wait_for_selector("#result:not([hidden])")


def stored_ratings(stack: Stack, playlist_id: str) -> list[dict]:
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=stack.dynamodb,
        region_name=DYNAMODB_ENV["AWS_DEFAULT_REGION"],
        aws_access_key_id=DYNAMODB_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=DYNAMODB_ENV["AWS_SECRET_ACCESS_KEY"],
    )
    return dynamodb.query(
        TableName=stack.ratings_table,
        KeyConditionExpression="playlist_id = :p",
        ExpressionAttributeValues={":p": {"S": playlist_id}},
    )["Items"]


def heat_map_pixels(page: Page) -> int:
    """How many pixels of the heat-map canvas over the photo are painted."""
    return page.evaluate(
        """() => {
            const canvas = document.getElementById("heat");
            const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 20) painted += 1;
            return painted;
        }"""
    )


def test_a_photo_becomes_a_playlist_with_what_the_model_saw_and_the_rating_is_stored(desktop: Visit) -> None:
    page = desktop.open()
    assert page.title().startswith("PRESSED / PLAY")
    choose_photo(page, sunset_photo())
    page.wait_for_selector("#stage:not([hidden]) #preview")
    pick_genre(page, "roc")  # type to filter: "rock" comes first
    pick_genre(page, "pop")
    assert page.locator("#chips .chip").all_inner_texts() == ["rock", "pop"]
    page.locator("#length").focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert page.locator("#length-out").inner_text() == "10 tracks"
    with page.expect_response("**/v1/playlists") as answer:
        make_playlist(page)
    playlist = answer.value.json()

    assert page.locator("#mood-words").inner_text() in MOOD_WORDS
    assert set(page.locator("#radar .radar-label").all_text_contents()) == FEATURE_LABELS
    assert "Energy" in (page.locator("#radar svg title").text_content() or "")
    assert page.locator("#genre-look li").count() == 5
    assert page.locator("#colours li").count() >= 3
    assert not any("#" in text for text in page.locator("#colours .swatch-text").all_inner_texts())  # names
    assert page.locator("#heat").is_visible()
    assert heat_map_pixels(page) > 1000
    mood_words = page.locator("#mood-words").inner_text()
    assert page.locator("#heat-words").inner_text() == mood_words
    assert f"made it feel {mood_words}" in page.locator("#heat-caption").inner_text()

    tracks = page.locator("#tracks .track")
    assert tracks.count() == 10 == len(playlist["tracks"])
    first = playlist["tracks"][0]
    assert page.locator(".track-name").first.inner_text() == first["name"]
    assert page.locator(".track-artist").first.inner_text() == first["artist"]
    assert page.locator(".track-why").first.inner_text() == first["why"]
    assert page.locator(".track-open").first.get_attribute("href") == first["url"]
    assert (page.locator("#cover").get_attribute("src") or "").startswith("data:image/jpeg")
    assert "your photo" in (page.locator("#cover").get_attribute("alt") or "")
    assert page.locator("#playlist-title").inner_text().lower() == page.locator("#mood-words").inner_text()
    mood = page.locator("#mood-words").inner_text()
    alike = [track["why"] for track in playlist["tracks"] if "like your photo" in track["why"]]
    assert all(why.startswith(f"{mood} like your photo") for why in alike), (mood, alike)
    with page.expect_download() as download:
        page.click("#export-m3u8")
    assert first["name"] in download.value.path().read_text()

    page.click("#like")
    page.wait_for_selector("#like[aria-pressed=true]")
    assert "you liked it" in page.locator("#rate-note").inner_text()
    (stored,) = stored_ratings(desktop.stack, playlist["id"])
    assert stored["rating"] == {"N": "1"}
    page.click("#dislike")  # a change of mind replaces the rating
    page.wait_for_selector("#dislike[aria-pressed=true]")
    assert page.locator("#like").get_attribute("aria-pressed") == "false"
    assert "you disliked it" in page.locator("#rate-note").inner_text()
    (stored,) = stored_ratings(desktop.stack, playlist["id"])
    assert stored["rating"] == {"N": "-1"}

    page.click("#toggle-heat")
    assert not page.locator("#heat").is_visible()
    page.click("#toggle-heat")
    desktop.screenshot("desktop-playlist")
    page.evaluate("window.scrollTo(0, 0)")
    desktop.screenshot("desktop-top", full_page=False)


def test_at_a_phones_width_the_page_fits_and_works(phone: Visit) -> None:
    page = phone.open()
    phone.screenshot("phone-start", full_page=False)
    choose_photo(page, sunset_photo())
    make_playlist(page)
    page.wait_for_selector("#reading:not([hidden])")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator("#like").is_visible()
    phone.screenshot("phone-playlist")
    for section in ("reading", "result"):
        page.evaluate(f"document.getElementById('{section}').scrollIntoView()")
        phone.screenshot(f"phone-{section}", full_page=False)


@pytest.mark.parametrize(
    ("name", "data", "mime", "message"),
    [
        ("notes.txt", b"just some text", "text/plain", '"notes.txt" isn\'t a photo we can read'),
        ("notimage.jpg", b"just some text, renamed", "image/jpeg", '"notimage.jpg" isn\'t a photo we can read'),
        ("broken.jpg", sunset_photo()[:200], "image/jpeg", '"broken.jpg" isn\'t a photo we can read'),
        ("huge.jpg", b"\xff\xd8" + bytes(15 * 1024 * 1024), "image/jpeg", '"huge.jpg" is 15.0 MB: the limit is 10 MB'),
    ],
    ids=["not-an-image", "text-renamed-jpg", "corrupt-image", "15-mb"],
)
def test_a_bad_file_is_refused_when_chosen_beside_the_photo_box_and_nothing_is_sent(
    desktop: Visit, name: str, data: bytes, mime: str, message: str
) -> None:
    page = desktop.open()
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if "/v1/playlists" in request.url else None)
    choose_photo(page, data, name=name, mime=mime)
    refusal = page.locator("#photo-error")
    refusal.wait_for()
    assert message in refusal.inner_text() and "{" not in refusal.inner_text()
    assert page.locator("#stage").is_hidden()  # no broken preview
    assert "Photo ready" not in page.locator("#status").inner_text()
    box, photo_box = refusal.bounding_box(), page.locator("#drop").bounding_box()
    assert box and photo_box and 0 <= box["y"] - (photo_box["y"] + photo_box["height"]) < 40  # right below the box
    assert box["y"] >= 0 and box["y"] + box["height"] <= 800  # in view
    page.click("#make-button")  # still no photo: the page says what to do, and sends nothing
    assert "Pick a photo first" in page.locator("#error").inner_text()
    choose_photo(page, sunset_photo())  # a good photo after a bad one: the refusal goes
    page.wait_for_selector("#stage:not([hidden])")
    assert page.locator("#photo-error").is_hidden()
    assert sent == []


def test_a_good_photo_stays_when_a_bad_file_is_chosen_after_it(desktop: Visit) -> None:
    page = desktop.open()
    choose_photo(page, sunset_photo())
    page.wait_for_selector("#stage:not([hidden])")
    choose_photo(page, b"text", name="notes.jpg")
    page.locator("#photo-error").wait_for()
    assert "Your previous photo is still here" in page.locator("#photo-error").inner_text()
    assert page.locator("#stage").is_visible()
    make_playlist(page)


def test_a_genre_the_api_cannot_map_is_refused_at_the_picker_not_after_make(desktop: Visit) -> None:
    desktop.allowed_statuses = {422}
    page = desktop.open()
    search = page.locator("#genre-search")
    search.fill("qwrtp")  # not a seed genre, and no Spotify micro-genre maps it to one
    search.press("Enter")
    page.wait_for_selector("#genre-note:has-text('qwrtp')")
    assert 'We don\'t know "qwrtp"' in page.locator("#genre-note").inner_text()
    assert page.locator("#chips .chip").count() == 0


@pytest.mark.parametrize(
    ("status", "error", "detail", "message"),
    [
        (413, "PayloadTooLarge", "the upload is larger than the 10,485,760-byte limit", "too big"),
        (429, "RateLimited", "slow down", "Too many requests"),
        (503, "UpstreamUnavailable", "inference is unreachable", "The image model is down"),
        (503, "NotReady", "still warming up: waiting for inference", "still warming up: the image model is loading"),
        (504, "UpstreamTimeout", "playlist did not answer in time", "The playlist service took too long"),
        (502, "UpstreamError", "feedback answered with an unexpected body", "The rating service is down"),
        (401, "SpotifySignInRequired", "sign in with Spotify first", "Sign in again"),
        (403, "SpotifyForbidden", "this account is not a user of the app", "Development Mode"),
        (503, "UpstreamUnavailable", "Spotify is rate limiting this app; try again in 7 s", "Spotify is limiting"),
        (503, "UpstreamUnavailable", "Spotify did not answer", "Spotify isn't answering right now"),
    ],
)
def test_every_api_error_reads_as_a_specific_sentence(
    desktop: Visit, status: int, error: str, detail: str, message: str
) -> None:
    desktop.allowed_statuses = {status}
    page = desktop.open()
    envelope = {"error": error, "detail": detail, "request_id": "test"}
    page.route(
        "**/v1/playlists",
        lambda route: route.fulfill(status=status, json=envelope, headers={"Retry-After": "7"}),
    )
    choose_photo(page, sunset_photo())
    page.click("#make-button")
    page.locator("#error").wait_for()
    text = page.locator("#error").inner_text()
    assert message in text
    assert detail not in text and "{" not in text


def focus_order(page: Page, presses: int) -> list[str]:
    """What Tab reaches, in order: each focused element's id, or its tag and text."""
    reached = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                """() => {
                    const el = document.activeElement;
                    return el.id || `${el.tagName.toLowerCase()}:${(el.textContent || "").trim().slice(0, 30)}`;
                }"""
            )
        )
    return reached


def test_the_keyboard_alone_reaches_every_control_and_makes_and_rates_a_playlist(desktop: Visit) -> None:
    page = desktop.open()
    order = focus_order(page, 9)
    assert order[:3] == ["a:Skip to the page", "sign-in", "photo"]
    assert order[3:6] == ["mode-match", "length", "genre-search"]
    assert order[6] == "make-button"

    # The photo's file input takes the keyboard focus and shows it on its visible label. Space or Enter opens the
    # browser's own chooser; headless Chromium reports that chooser to Playwright only intermittently, so the file
    # is handed to the input as the chooser would.
    page.locator("#photo").focus()
    outline = page.evaluate("getComputedStyle(document.getElementById('pick-label')).outlineStyle")
    assert outline == "solid"
    choose_photo(page, sunset_photo())
    page.locator("#mode-match").focus()
    page.keyboard.press("ArrowRight")  # radio group: arrows move between match / boost / calm
    assert page.locator("#mode-boost").is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("jaz")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.locator("#chips .chip").all_inner_texts() == ["jazz"]
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Remove jazz"
    page.keyboard.press("Enter")
    assert page.locator("#chips .chip").count() == 0
    page.locator("#make-button").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#result:not([hidden])")
    assert page.evaluate("document.activeElement.id") == "reading-title"  # focus moves to the answer

    after = focus_order(page, 40)
    for control in ("toggle-heat", "like", "dislike", "export-m3u8", "export-csv", "export-json"):
        assert control in after, after
    assert sum(1 for name in after if name.startswith("a:Open in Spotify")) >= 5
    assert after.index("toggle-heat") < after.index("like") < after.index("export-json")
    page.locator("#like").focus()
    page.keyboard.press("Space")
    page.wait_for_selector("#like[aria-pressed=true]")


def drop_or_paste(page: Page, how: str, data: bytes, name: str) -> None:
    """Hand the page a photo as a person would by dropping it on the box or pasting it (a real DataTransfer)."""
    page.evaluate(
        """([how, bytes, name]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([new Uint8Array(bytes)], name, { type: "image/jpeg" }));
            if (how === "paste") {
                document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true }));
            } else {
                const box = document.getElementById("drop");
                for (const type of ["dragenter", "dragover", "drop"]) {
                    box.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
                }
            }
        }""",
        [how, list(data), name],
    )


@pytest.mark.parametrize("how", ["drop", "paste"])
def test_a_photo_can_be_dropped_or_pasted(desktop: Visit, how: str) -> None:
    page = desktop.open()
    drop_or_paste(page, how, sunset_photo(), f"{how}.jpg")
    page.wait_for_selector("#stage:not([hidden])")
    assert page.locator("#preview").get_attribute("alt") == f"Your photo, {how}.jpg"
    page.wait_for_function("document.getElementById('preview').naturalWidth === 640")
    assert f"{how}.jpg" in page.locator("#status").inner_text()
    with page.expect_response("**/v1/playlists") as answer:
        make_playlist(page)
    assert answer.value.status == 201
    assert page.locator("#tracks .track").count() == 20


# WCAG 2 contrast of every visible text against the colours under it (layers with alpha blended over their parents).
CONTRAST_FAILURES = """() => {
    const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const over = (top, under) => {
        const a = top.length > 3 ? top[3] : 1;
        return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a));
    };
    const background = (el) => {
        const layers = [];
        for (let node = el; node; node = node.parentElement) {
            const c = parse(getComputedStyle(node).backgroundColor);
            if (c.length && (c.length < 4 || c[3] > 0)) layers.push(c);
        }
        return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255]);
    };
    const failures = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
        const el = text.parentElement;
        if (!text.textContent.trim() || !el.checkVisibility() || el.closest(":disabled, .visually-hidden")) continue;
        const style = getComputedStyle(el);
        const fg = over(parse(style.color), background(el));
        const [hi, lo] = [lum(fg), lum(background(el))].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        const size = parseFloat(style.fontSize);
        const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
        if (ratio < (large ? 3 : 4.5)) failures.push(`${text.textContent.trim().slice(0, 40)}: ${ratio.toFixed(2)}`);
    }
    return failures;
}"""


def test_every_text_meets_aa_contrast(desktop: Visit) -> None:
    page = desktop.open()
    assert page.evaluate(CONTRAST_FAILURES) == []
    choose_photo(page, sunset_photo())
    pick_genre(page, "jazz")
    page.locator("#genre-search").fill("ja")  # the open list of suggestions too
    page.locator("#genre-search").click()
    assert page.evaluate(CONTRAST_FAILURES) == []
    page.keyboard.press("Escape")
    make_playlist(page)
    page.click("#like")
    page.wait_for_selector("#like[aria-pressed=true]")
    assert page.evaluate(CONTRAST_FAILURES) == []
