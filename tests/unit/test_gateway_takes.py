"""Another take (issue 19): the same photo and settings, other tracks; every take is a playlist of its own and
knows all takes of its photo, so a person can go back."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from services.gateway.takes import MAX_TAKES
from tests.unit.test_gateway_api import FakeUpstreams, assert_envelope, client, fakes, make_playlist

__all__ = ["client", "fakes"]  # the fixtures, shared with the gateway API tests


def test_another_take_is_a_new_playlist_of_the_same_photo_with_mostly_other_tracks(
    client: TestClient, fakes: FakeUpstreams
) -> None:
    first = make_playlist(client, genres="pop,rock", n="10", mode="boost").json()
    response = client.post(f"/v1/playlists/{first['id']}/takes")
    assert response.status_code == 201, response.text
    take = response.json()
    assert take["id"] != first["id"] and take["takes"] == [first["id"], take["id"]]
    for same in ("features", "mood", "genre_look", "genres", "mode", "model_version"):
        assert take[same] == first[same]
    shared = {t["id"] for t in first["tracks"]} & {t["id"] for t in take["tracks"]}
    assert len(take["tracks"]) == 10 and len(shared) <= 3
    asked_first, asked_take = fakes.recommendations[0], fakes.recommendations[-1]
    assert asked_take["genres"] == asked_first["genres"] and asked_take["n"] == 10 and asked_take["mode"] == "boost"
    assert len(asked_take["avoid"]) == 7 and asked_take["diversity"] == asked_first["diversity"] / 2


def test_every_take_lists_all_takes_and_an_earlier_one_is_still_there_to_go_back_to(client: TestClient) -> None:
    first = make_playlist(client, n="4").json()
    second = client.post(f"/v1/playlists/{first['id']}/takes").json()
    third = client.post(f"/v1/playlists/{second['id']}/takes").json()
    everyone = [first["id"], second["id"], third["id"]]
    assert third["takes"] == everyone
    back = client.get(f"/v1/playlists/{first['id']}").json()
    assert back["takes"] == everyone and back["tracks"] == first["tracks"]
    assert client.get(f"/v1/playlists/{second['id']}/export.m3u8").status_code == 200


def test_a_take_of_an_unknown_or_another_browsers_playlist_is_404(client: TestClient) -> None:
    made = make_playlist(client).json()
    assert_envelope(client.post("/v1/playlists/nope/takes"), 404, "PlaylistNotFound")
    with TestClient(client.app) as stranger:
        assert_envelope(stranger.post(f"/v1/playlists/{made['id']}/takes"), 404, "PlaylistNotFound")


def test_takes_stop_at_the_limit_with_a_409_that_says_what_to_do(client: TestClient) -> None:
    made = make_playlist(client, n="2").json()
    latest = made
    for _ in range(MAX_TAKES - 1):
        latest = client.post(f"/v1/playlists/{latest['id']}/takes").json()
    body = assert_envelope(client.post(f"/v1/playlists/{made['id']}/takes"), 409, "TooManyTakes")
    assert "upload it again" in body["detail"]
    assert len(client.get(f"/v1/playlists/{made['id']}").json()["takes"]) == MAX_TAKES


def test_a_take_the_playlist_service_cannot_make_is_503_and_changes_nothing(
    client: TestClient, fakes: FakeUpstreams
) -> None:
    made = make_playlist(client, n="3").json()
    fakes.fail["playlist"] = httpx.Response(503, json={"error": "NotReady", "detail": "catalog loading"})
    assert_envelope(client.post(f"/v1/playlists/{made['id']}/takes"), 503, "UpstreamUnavailable")
    fakes.fail.clear()
    assert client.get(f"/v1/playlists/{made['id']}").json()["takes"] == []


def test_a_take_much_farther_from_the_photo_says_so(client: TestClient, fakes: FakeUpstreams) -> None:
    first = make_playlist(client, n="4").json()
    fakes.distance = 0.2  # the fake's next answers sit twice as far from the photo
    take = client.post(f"/v1/playlists/{first['id']}/takes").json()
    assert any("this take is 100% farther" in w for w in take["warnings"])
    fakes.distance = 0.21
    closer = client.post(f"/v1/playlists/{take['id']}/takes").json()
    assert not any("farther" in w for w in closer["warnings"])
