"""An album made into one playlist on the page (issue 25), against the real stack: the strip gets each photo's mood
words, the list is grouped under the photo each track was chosen for, the arc chart draws one part per photo with
its thumbnail above, a file the model cannot read is named and the rest still make the playlist, and all of it fits
a phone's width."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image

from pipeline.mood.scenes import night_street, sunset
from services.playlist.recommend import explain
from tests.browser.conftest import PHONE, Visit
from tests.browser.test_album_page import as_file, strip_names
from tests.browser.test_page import CONTRAST_FAILURES, make_playlist

if TYPE_CHECKING:  # Playwright is imported at run time only after conftest's importorskip
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def daylight(size: int = 512) -> Image.Image:
    """A bright green field under a blue sky: a third mood beside the night street and the sunset."""
    image = Image.new("RGB", (size, size), (120, 190, 250))
    image.paste((90, 200, 70), (0, size * 3 // 5, size, size))
    return image


ALBUM = [("night.jpg", jpeg(night_street(512))), ("sunset.jpg", jpeg(sunset(512))), ("field.jpg", jpeg(daylight()))]


def words(features: dict[str, float]) -> str:
    """The mood words the page shows for features, as explain.py picks them for each track's why."""

    def band(value: float, edges: tuple[float, float]) -> int:
        return 0 if value < edges[0] else 2 if value > edges[1] else 1

    valence = band(features["valence"], explain.VALENCE_BANDS)
    energy = band(features["energy"], explain.ENERGY_BANDS)
    return explain.MOOD_WORDS[valence][energy]


def make_album_playlist(page: Page, photos: list[tuple[str, bytes]]) -> dict[str, Any]:
    page.set_input_files("#photo", files=[as_file(name, data) for name, data in photos])
    page.wait_for_selector(f"#strip .strip-item >> nth={len(photos) - 1}")
    return make_album_playlist_after_choosing(page)


def make_album_playlist_after_choosing(page: Page) -> dict[str, Any]:
    with page.expect_response("**/v1/playlists") as answer:
        make_playlist(page)
    assert answer.value.status == 201, answer.value.text()
    page.wait_for_selector("#arc-figure:not([hidden])")
    made: dict[str, Any] = answer.value.json()
    return made


def test_an_album_shows_each_photos_mood_the_list_grouped_under_its_photos_and_the_arc(desktop: Visit) -> None:
    page = desktop.open()
    made = make_album_playlist(page, ALBUM)
    assert [photo["index"] for photo in made["photos"]] == [0, 1, 2]

    # The strip: each photo with the mood words the model read in it.
    moods = page.locator("#strip .strip-mood").all_inner_texts()
    assert moods == [words(photo["features"]) for photo in made["photos"]]
    assert page.locator("#mood-label").inner_text() == "Together, the photos feel"
    assert "read from the photos (their mean)" in page.locator("#radar-caption").inner_text()
    assert page.locator("#summary").inner_text().endswith("· matching the photos · 3 photos")

    # The list: one group per photo, in the list's order, each with exactly the tracks chosen for it.
    groups = page.locator("#tracks .photo-group")
    by_photo = [[t["name"] for t in made["tracks"] if t["photo"] == index] for index in (0, 1, 2)]
    assert groups.count() == 3
    for index, (name, _) in enumerate(ALBUM):
        group = groups.nth(index)
        assert group.get_attribute("data-photo") == str(index)
        assert group.locator(".group-title").inner_text() == f"Photo {index + 1}, {name}"
        assert group.locator(".group-mood").inner_text() == moods[index]
        assert group.locator(".track-name").all_inner_texts() == by_photo[index]
    numbers = page.locator("#tracks .track-number").all_inner_texts()
    assert numbers == [str(n) for n in range(1, len(made["tracks"]) + 1)]  # numbered as one list

    # The arc: one part per photo, its thumbnail above it, a point per track for energy and for valence.
    chart = page.locator("#arc svg")
    assert chart.locator(".arc-part").count() == 3
    assert chart.locator(".arc-part image").count() == 3
    for line in ("arc-energy", "arc-valence"):
        points = chart.locator(f"polyline.{line}").get_attribute("points") or ""
        assert len(points.split()) == len(made["tracks"])
    energies = [t["features"]["energy"] for t in made["tracks"]]
    heights = [
        float(p.split(",")[1]) for p in (chart.locator("polyline.arc-energy").get_attribute("points") or "").split()
    ]
    louder, quieter = energies.index(max(energies)), energies.index(min(energies))
    assert heights[louder] <= heights[quieter]  # more energy draws higher (SVG's y grows downward)
    assert "from its first track to its last" in (chart.locator("title").text_content() or "")
    assert page.locator("#cover").get_attribute("src").startswith("data:image/jpeg")  # type: ignore[union-attr]
    assert "collage of your 3 photos" in (page.locator("#cover").get_attribute("alt") or "")
    assert page.evaluate(CONTRAST_FAILURES) == []
    desktop.screenshot("desktop-album")


def icon(image: Image.Image) -> bytes:
    """The photo as a Windows icon: the browser shows it, the model's reader takes no such format."""
    buffer = io.BytesIO()
    image.save(buffer, format="ICO", sizes=[(64, 64)])
    return buffer.getvalue()


def test_a_photo_the_model_cannot_read_is_named_and_the_others_make_the_playlist(desktop: Visit) -> None:
    page = desktop.open()
    photos = [ALBUM[0], ("sunset.ico", icon(sunset(256))), ALBUM[2]]
    page.set_input_files(
        "#photo",
        files=[as_file(name, data, "image/x-icon" if name.endswith(".ico") else "image/jpeg") for name, data in photos],
    )
    page.wait_for_selector("#strip .strip-item >> nth=2")
    made = make_album_playlist_after_choosing(page)
    assert [photo["index"] for photo in made["photos"]] == [0, 2]
    assert any("sunset.ico" in warning for warning in made["warnings"]), made["warnings"]
    assert page.locator("#strip .strip-mood").all_inner_texts()[-1] == "couldn't read it"
    assert strip_names(page)[-1] == "Photo 3, sunset.ico"  # the photos read come first, in the playlist's order
    assert any("sunset.ico" in text for text in page.locator("#warnings li").all_inner_texts())
    assert page.locator("#tracks .photo-group").count() == 2
    assert page.locator("#arc svg .arc-part").count() == 2


def test_an_album_playlist_fits_a_phones_width(phone: Visit) -> None:
    page = phone.open()
    make_album_playlist(page, ALBUM)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.locator("#arc svg").bounding_box()
    assert box and box["width"] <= PHONE["width"] and box["height"] > 60
    page.evaluate("document.getElementById('arc-figure').scrollIntoView()")
    phone.screenshot("phone-album-arc", full_page=False)


def taken_at(image: Image.Image, when: str) -> bytes:
    """A JPEG whose EXIF says when it was taken (DateTimeOriginal, in the Exif IFD), as a camera writes it."""
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = when
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def test_in_the_order_taken_the_strip_the_groups_and_the_arc_follow_the_camera_clock(desktop: Visit) -> None:
    page = desktop.open()
    given = [
        ("evening.jpg", taken_at(night_street(512), "2026:07:01 21:30:00")),
        ("noon.jpg", taken_at(daylight(), "2026:07:01 12:00:00")),
        ("dusk.jpg", taken_at(sunset(512), "2026:07:01 19:45:00")),
    ]
    page.set_input_files("#photo", files=[as_file(name, data) for name, data in given])
    page.wait_for_selector("#strip .strip-item >> nth=2")
    page.check("#order-taken")
    made = make_album_playlist_after_choosing(page)
    # Sent evening, noon, dusk: the playlist follows the camera's clock (the answer's indexes are as sent).
    assert [photo["index"] for photo in made["photos"]] == [1, 2, 0]
    assert strip_names(page) == ["Photo 1, noon.jpg", "Photo 2, dusk.jpg", "Photo 3, evening.jpg"]
    titles = page.locator("#tracks .photo-group .group-title").all_inner_texts()
    assert titles == ["Photo 1, noon.jpg", "Photo 2, dusk.jpg", "Photo 3, evening.jpg"]
    parts = page.locator("#arc svg .arc-part").evaluate_all("parts => parts.map((part) => part.dataset.photo)")
    assert parts == ["1", "2", "0"]


def test_an_album_none_of_whose_photos_can_be_read_says_so_in_a_sentence(desktop: Visit) -> None:
    desktop.allowed_statuses = {422}
    page = desktop.open()
    icons = [as_file(f"icon{i}.ico", icon(sunset(128 + 64 * i)), "image/x-icon") for i in range(2)]
    page.set_input_files("#photo", files=icons)
    page.wait_for_selector("#strip .strip-item >> nth=1")
    with page.expect_response("**/v1/playlists") as answer:
        page.click("#make-button")
    assert answer.value.status == 422 and answer.value.json()["error"] == "NoReadablePhoto"
    page.locator("#error").wait_for()
    assert page.locator("#error").inner_text() == "None of those photos could be read. Try JPEG, PNG or WebP images."
    assert page.locator("#result").is_hidden() and len(strip_names(page)) == 2  # nothing lost: fix and send again


def test_make_pressed_right_after_choosing_sends_every_photo_chosen(desktop: Visit) -> None:
    page = desktop.open()
    with page.expect_response("**/v1/playlists") as answer:
        # In one go: the photos dropped and Make pressed before the page could check any of them.
        page.evaluate(
            """(files) => {
                const transfer = new DataTransfer();
                for (const [name, bytes] of files) {
                    transfer.items.add(new File([new Uint8Array(bytes)], name, { type: "image/jpeg" }));
                }
                const drop = new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true });
                document.getElementById("drop").dispatchEvent(drop);
                document.getElementById("make-button").click();
            }""",
            [[name, list(data)] for name, data in ALBUM],
        )
    assert answer.value.status == 201
    assert [photo["filename"] for photo in answer.value.json()["photos"]] == [name for name, _ in ALBUM]
    page.wait_for_selector("#arc-figure:not([hidden])")
