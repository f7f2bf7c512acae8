"""Another take on the page (issue 19): the same photo and settings, other tracks, and back to the first take; no
console errors (the visit fixture checks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import Visit
from tests.browser.test_page import choose_photo, make_playlist, pick_genre
from tests.e2e.test_playlist_flow import sunset_photo

if TYPE_CHECKING:  # Playwright is imported at run time only after conftest's importorskip
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


def track_names(page: Page) -> list[str]:
    """Each track as the page shows it: its name and artist."""
    names = page.locator("#tracks .track-name").all_inner_texts()
    return [f"{n} / {a}" for n, a in zip(names, page.locator("#tracks .track-artist").all_inner_texts(), strict=True)]


def test_another_take_shows_other_tracks_for_the_same_photo_and_previous_goes_back(desktop: Visit) -> None:
    page = desktop.open()
    choose_photo(page, sunset_photo())
    page.wait_for_selector("#stage:not([hidden]) #preview")
    pick_genre(page, "pop")
    make_playlist(page)
    first = track_names(page)
    title = page.locator("#playlist-title").inner_text()
    assert page.locator("#takes").is_visible() and page.locator("#take-back").is_hidden()

    with page.expect_response("**/takes") as answer:
        page.click("#another-take")
    assert answer.value.status == 201
    page.wait_for_function("() => document.getElementById('take-place').textContent === 'Take 2 of 2'")
    second = track_names(page)
    assert len(second) == len(first) and len(set(first) & set(second)) <= 0.3 * len(first)
    assert page.locator("#playlist-title").inner_text() == title  # the same photo, read the same way
    assert page.locator("#take-forward").is_hidden()

    page.click("#take-back")
    page.wait_for_function("() => document.getElementById('take-place').textContent === 'Take 1 of 2'")
    assert track_names(page) == first
    assert page.locator("#take-forward").is_visible() and page.locator("#take-back").is_hidden()
    page.click("#take-forward")
    page.wait_for_function("() => document.getElementById('take-place').textContent === 'Take 2 of 2'")
    assert track_names(page) == second
