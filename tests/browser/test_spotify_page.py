"""The web page signed in with Spotify (the fake Spotify dev server): sign in, edit the genres as chips, mix them
up, make a playlist that lands on the account, save it, load the player, sign out."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import Visit
from tests.browser.test_page import choose_photo, make_playlist, pick_genre
from tests.e2e.test_playlist_flow import sunset_photo
from tests.servers.stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.slow]
PLAYER = "<!doctype html><title>player</title><p>Spotify player stand-in</p>"


def fake_spotify(stack: Stack, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{stack.spotify}{path}", timeout=10, **kwargs)
    assert response.is_success, response.text
    return response.json() if response.content else None


def chips(visit: Visit) -> list[str]:
    return visit.page.locator("#chips .chip").all_inner_texts()


def test_signed_in_genres_mix_it_up_save_to_spotify_and_play_it(desktop: Visit) -> None:
    stack = desktop.stack
    fake_spotify(stack, "POST", "/_fake/sign-in-as", json={"user": "demo"})
    page = desktop.open()
    page.click("#sign-in")  # gateway -> the fake's /authorize (approved at once) -> callback -> back to the page
    page.wait_for_selector("text=Signed in as Demo Listener")
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#genre-source").inner_text() == "From the artists you play most on Spotify."
    profile = chips(desktop)
    assert 0 < len(profile) <= 5

    with page.expect_response("**/v1/me/genres") as edited:
        page.get_by_role("button", name=f"Remove {profile[0]}", exact=True).click()
    assert edited.value.request.method == "PUT"
    page.wait_for_selector("#genre-source:text('Your own pick.')")
    assert profile[0] not in chips(desktop)
    if len(chips(desktop)) == 5:
        page.get_by_role("button", name=f"Remove {chips(desktop)[0]}", exact=True).click()
    pick_genre(page, "bossa")
    page.wait_for_selector("#chips .chip:has-text('bossanova')")
    assert page.locator("#genre-note").inner_text() == "Added bossanova."
    # A micro-genre: the profile keeps the seeds it plays as, at most 5 in all; make room for them first.
    mapped = httpx.get(f"{stack.gateway}/v1/genres/resolve", params={"name": "bedroom pop"}).json()["genres"]
    while len(set(chips(desktop)) | set(mapped)) > 5:
        count = len(chips(desktop))
        spare = next(chip for chip in chips(desktop) if chip not in mapped)
        page.get_by_role("button", name=f"Remove {spare}", exact=True).click()
        page.wait_for_function("n => document.querySelectorAll('#chips .chip').length === n", arg=count - 1)
    before, prior_note = chips(desktop), page.locator("#genre-note").inner_text()
    page.locator("#genre-search").fill("bedroom pop")
    page.locator("#genre-search").press("Enter")
    page.wait_for_function(
        "prior => document.getElementById('genre-note').textContent !== prior"
        " || !document.getElementById('error').hidden",
        arg=prior_note,
    )
    assert page.locator("#error").is_hidden(), page.locator("#error").inner_text()
    added = [chip for chip in chips(desktop) if chip not in before]
    said = page.locator("#genre-note").inner_text()
    # What is announced is what the chips show: never "Added bedroom pop." beside a chip that says "indie".
    if added:
        assert said == f"Added bedroom pop as {', '.join(added)}."
    else:
        assert said == f'"bedroom pop" plays as {", ".join(mapped)}, which you have already.', said
    assert "bedroom pop" not in chips(desktop)

    with page.expect_response("**/v1/me/genres/shuffle") as shuffled:
        page.click("#shuffle")
    mixed = shuffled.value.json()["genres"]
    page.wait_for_function("n => document.querySelectorAll('#chips .chip').length === n", arg=len(mixed))
    assert chips(desktop) == mixed

    choose_photo(page, sunset_photo())
    with page.expect_response("**/v1/playlists") as answer:
        make_playlist(page)
    playlist = answer.value.json()
    assert set(playlist["genres"]) <= set(mixed)  # the profile's genres stood in for none sent
    spotify = playlist["spotify"]
    assert page.locator("#spotify-link").get_attribute("href") == spotify["url"]
    assert "Not saved yet" in page.locator("#save-note").inner_text()

    page.click("#save")
    page.wait_for_selector("#save:text('Saved to Spotify')")
    assert page.locator("#save").is_disabled()
    on_account = {p["id"]: p for p in fake_spotify(stack, "GET", "/_fake/playlists")}
    placed = on_account[spotify["id"]]
    assert placed["owner"] == "demo"
    assert placed["followed"] is True
    assert placed["track_ids"] == [track["id"] for track in playlist["tracks"]]
    assert placed["cover_bytes"] > 0

    # The player is loaded only when asked (open.spotify.com is offline here: a stand-in answers for it).
    assert page.locator("#embed iframe").count() == 0
    page.route("https://open.spotify.com/**", lambda route: route.fulfill(content_type="text/html", body=PLAYER))
    page.click("#embed-button")
    frame = page.locator("#embed iframe")
    assert frame.get_attribute("src") == f"https://open.spotify.com/embed/playlist/{spotify['id']}"
    assert frame.get_attribute("title") == "Spotify player for this playlist"
    page.frame_locator("#embed iframe").locator("text=Spotify player stand-in").wait_for()
    desktop.screenshot("desktop-signed-in")

    page.click("#sign-out")
    page.wait_for_selector("#sign-in")
    assert page.locator("#genre-actions").is_hidden()
    assert chips(desktop) == []
    # Signed out, nothing Spotify-only is left to press: the playlist stays, with its exports and rating.
    for spotify_only in ("#spotify-actions", "#save", "#embed-button", "#embed"):
        assert page.locator(spotify_only).is_hidden(), spotify_only
    assert page.locator("#tracks .track").count() == len(playlist["tracks"])
    assert page.locator("#export-m3u8").is_visible() and page.locator("#like").is_visible()


def test_the_page_and_its_files_carry_the_content_security_policy(desktop: Visit) -> None:
    response = desktop.page.goto(desktop.stack.gateway + "/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "frame-src https://open.spotify.com" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    script = desktop.page.request.get(desktop.stack.gateway + "/static/js/main.js")
    assert script.headers["content-security-policy"] == policy
