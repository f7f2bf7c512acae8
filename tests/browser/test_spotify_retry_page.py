"""The page when Spotify fails while a signed-in person makes a playlist (the fake Spotify dev server answering 503):
the playlist is shown with "Not saved to Spotify" and a "Save to Spotify again" button; pressed while Spotify is
still down it says so and stays; pressed once Spotify answers, the playlist lands on the account and the page shows
its Spotify link."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Visit
from tests.browser.test_page import choose_photo, make_playlist
from tests.browser.test_spotify_page import fake_spotify
from tests.e2e.test_playlist_flow import sunset_photo

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]


def test_not_saved_to_spotify_and_save_again(desktop: Visit) -> None:
    stack = desktop.stack
    desktop.allowed_statuses = {503}  # the refused retry, on purpose
    fake_spotify(stack, "POST", "/_fake/sign-in-as", json={"user": "demo"})
    page = desktop.open()
    page.click("#sign-in")
    page.wait_for_selector("text=Signed in as Demo Listener")
    page.wait_for_selector("body[data-ready=true]")

    fake_spotify(stack, "POST", "/_fake/faults", json={"status": 503, "path_prefix": "/v1/me/playlists"})
    choose_photo(page, sunset_photo())
    with page.expect_response("**/v1/playlists") as answer:
        make_playlist(page)
    made = answer.value.json()
    assert made["spotify_pending"] is True and made["spotify"] is None
    page.wait_for_selector("#spotify-pending:not([hidden])")
    assert page.locator("#spotify-pending-note").inner_text().startswith("Not saved to Spotify")
    assert page.locator("#spotify-actions").is_hidden()  # no link to a playlist Spotify does not have
    before = {p["id"] for p in fake_spotify(stack, "GET", "/_fake/playlists")}

    fake_spotify(stack, "POST", "/_fake/faults", json={"status": 503, "path_prefix": "/v1/me/playlists"})
    with page.expect_response(f"**/v1/playlists/{made['id']}/spotify") as refused:
        page.get_by_role("button", name="Save to Spotify again").click()
    assert refused.value.status == 503
    page.wait_for_selector("#error:not([hidden])")
    page.wait_for_selector("#save-again:not([disabled])")
    assert page.locator("#spotify-pending").is_visible()

    with page.expect_response(f"**/v1/playlists/{made['id']}/spotify") as saved:
        page.get_by_role("button", name="Save to Spotify again").click()
    assert saved.value.status == 200
    spotify = saved.value.json()["spotify"]
    page.wait_for_selector("#spotify-actions:not([hidden])")
    assert page.locator("#spotify-pending").is_hidden() and page.locator("#error").is_hidden()
    assert page.locator("#spotify-link").get_attribute("href") == spotify["url"]
    landed = [p for p in fake_spotify(stack, "GET", "/_fake/playlists") if p["id"] not in before]
    assert [p["id"] for p in landed] == [spotify["id"]]
    assert landed[0]["track_ids"] == [t["id"] for t in made["tracks"]]
    page.click("#sign-out")
