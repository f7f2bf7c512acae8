"""The gateway's public API over httpx.MockTransport fakes of inference, playlist and feedback."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from services.gateway.adapters.in_process import InProcessSessionStore
from services.gateway.app import create_app
from services.gateway.settings import Settings
from shared.genres import SEED_GENRES
from shared.server_timing import parse_server_timing

FEATURES = {
    "acousticness": 0.1,
    "danceability": 0.7,
    "energy": 0.8,
    "instrumentalness": 0.0,
    "liveness": 0.1,
    "loudness": -6.0,
    "speechiness": 0.05,
    "valence": 0.6,
}
CATALOG = [
    {"id": f"trk{i:03d}", "name": f"Song {i}", "artist": f"Artist {i}", "album": "A", "genres": [genre]}
    for i, genre in enumerate(["pop", "rock", "jazz", "pop", "rock", "jazz"] * 5)
]


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


class FakeUpstreams:
    """Fakes of our own three services, answering with their contracts' shapes (and envelopes on errors)."""

    def __init__(self) -> None:
        self.ratings: dict[tuple[str, str], dict[str, Any]] = {}
        self.calls: list[str] = []
        self.fail: dict[str, httpx.Response | Exception] = {}
        self.seen_request_ids: list[str | None] = []
        self.recommendations: list[dict[str, Any]] = []
        self.distance = 0.1  # every track's distance to the photo in the fake playlist service's answers

    def _maybe_fail(self, name: str, request: httpx.Request) -> httpx.Response | None:
        self.calls.append(name)
        self.seen_request_ids.append(request.headers.get("X-Request-ID"))
        failure = self.fail.get(name)
        if isinstance(failure, Exception):
            raise failure
        if failure is None and request.url.path == "/readyz":
            return httpx.Response(200, json={"status": "ready", "checks": {}})
        return failure

    def inference(self, request: httpx.Request) -> httpx.Response:
        if failed := self._maybe_fail("inference", request):
            return failed
        if not request.content.startswith(b"\xff\xd8"):
            return httpx.Response(422, json={"error": "InvalidImage", "detail": "not a decodable image"})
        reading = {"mood": {"valence": 7.2, "arousal": 3.1}, "genre_look": {"Pop": 0.7, "Rock": 0.3}}
        timing = {"Server-Timing": "read;dur=0.4, decode;dur=1.5, model;dur=9.0"}
        return httpx.Response(200, json={"features": FEATURES, **reading, "model_version": "fake-1"}, headers=timing)

    def playlist(self, request: httpx.Request) -> httpx.Response:
        if failed := self._maybe_fail("playlist", request):
            return failed
        body = json.loads(request.content)
        if request.url.path == "/v1/genres/resolve":
            unknown = [name for name in body["genres"] if name not in SEED_GENRES]
            if unknown:
                detail = {"message": f"unknown genre {unknown[0]!r}", "unknown": unknown, "valid": list(SEED_GENRES)}
                return httpx.Response(422, json={"error": "UnknownGenre", "detail": detail, "request_id": "x"})
            return httpx.Response(200, json={"genres": body["genres"]})
        if request.url.path == "/v1/recommendations/export":
            fmt = request.url.params["format"]
            lines = ["#EXTM3U", *(t["uri"] for t in body["tracks"])] if fmt == "m3u8" else ["id", *body["tracks"]]
            return httpx.Response(200, text="\n".join(lines), headers={"content-type": "audio/x-mpegurl"})
        wanted = set(body["genres"] or SEED_GENRES)
        self.recommendations.append(body)
        avoid = set(body.get("avoid") or ())
        chosen = [t for t in CATALOG if set(t["genres"]) & wanted and t["id"] not in avoid][: body["n"]]
        tracks = [
            {
                **t,
                "uri": f"spotify:track:{t['id']}",
                "url": f"https://open.spotify.com/track/{t['id']}",
                "features": FEATURES,
                "why": f"close in energy, {t['genres'][0]}",
                "distance": self.distance,
            }
            for t in chosen
        ]
        answer = {"tracks": tracks, "target": FEATURES, "genres": list(body["genres"] or []), "mode": body["mode"]}
        return httpx.Response(200, json=answer)

    def feedback(self, request: httpx.Request) -> httpx.Response:
        if failed := self._maybe_fail("feedback", request):
            return failed
        body = json.loads(request.content)
        key = (body["playlist_id"], body["session"])
        created = key not in self.ratings
        self.ratings[key] = body
        stored = {
            "id": "r1",
            "playlist_id": body["playlist_id"],
            "rating": body["rating"],
            "created_at": "2026-11-25T00:00:00Z",
        }
        return httpx.Response(201 if created else 200, json=stored)

    def transports(self) -> dict[str, httpx.AsyncBaseTransport]:
        return {name: httpx.MockTransport(getattr(self, name)) for name in ("inference", "playlist", "feedback")}


@pytest.fixture
def fakes() -> FakeUpstreams:
    return FakeUpstreams()


@pytest.fixture
def client(fakes: FakeUpstreams) -> Iterator[TestClient]:
    settings = Settings(max_upload_bytes=200_000)
    app = create_app(settings, sessions=InProcessSessionStore(), transports=fakes.transports())
    with TestClient(app) as test_client:
        # A stack that has started: every upstream said ready once (warmup.py), before a test breaks one of them.
        assert test_client.get("/v1/warmup").json() == {"ready": True, "waiting_for": []}
        fakes.calls.clear()
        fakes.seen_request_ids.clear()
        yield test_client


def make_playlist(client: TestClient, **form: str) -> Any:  # TestClient answers with its own Response type
    files = {"image": ("photo.jpg", jpeg_bytes(), "image/jpeg")}
    return client.post("/v1/playlists", files=files, data=form)


def assert_envelope(response: Any, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == error
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def test_a_photo_becomes_a_playlist_of_n_tracks_within_the_genres(client: TestClient) -> None:
    response = make_playlist(client, genres="Rock, jazz,rock", n="4", mode="boost")
    assert response.status_code == 201, response.text
    playlist = response.json()
    assert playlist["genres"] == ["rock", "jazz"]
    assert playlist["mode"] == "boost"
    assert playlist["features"] == FEATURES
    assert len(playlist["tracks"]) == 4
    assert all(set(t["genres"]) <= {"rock", "jazz"} for t in playlist["tracks"])
    assert playlist["tracks"][0]["why"] == "close in energy, rock"


def test_a_playlist_says_what_mood_and_genre_look_the_model_read_in_the_photo(client: TestClient) -> None:
    created = make_playlist(client).json()
    assert created["mood"] == {"valence": 7.2, "arousal": 3.1}
    assert created["genre_look"] == {"Pop": 0.7, "Rock": 0.3}
    assert client.get(f"/v1/playlists/{created['id']}").json()["mood"] == created["mood"]


def test_the_session_cookie_is_httponly_and_samesite_lax(client: TestClient) -> None:
    cookie = make_playlist(client).headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_a_playlist_can_be_read_back_in_the_same_session_only(client: TestClient, fakes: FakeUpstreams) -> None:
    made = make_playlist(client, n="3").json()
    assert client.get(f"/v1/playlists/{made['id']}").json() == made
    other_app = client.app
    with TestClient(other_app) as stranger:  # no cookie: another browser
        assert_envelope(stranger.get(f"/v1/playlists/{made['id']}"), 404, "PlaylistNotFound")


def test_an_unknown_playlist_id_is_404_in_the_envelope(client: TestClient) -> None:
    make_playlist(client)
    body = assert_envelope(client.get("/v1/playlists/nope"), 404, "PlaylistNotFound")
    assert "nope" in body["detail"]
    assert_envelope(client.post("/v1/playlists/nope/feedback", json={"rating": 1}), 404, "PlaylistNotFound")


def test_feedback_reaches_the_feedback_service_with_what_the_playlist_was_made_from(
    client: TestClient, fakes: FakeUpstreams
) -> None:
    made = make_playlist(client, n="2").json()
    first = client.post(f"/v1/playlists/{made['id']}/feedback", json={"rating": 1})
    assert first.status_code == 201, first.text
    again = client.post(f"/v1/playlists/{made['id']}/feedback", json={"rating": -1})
    assert again.status_code == 200
    (stored,) = fakes.ratings.values()
    assert stored["rating"] == -1
    assert stored["features"] == FEATURES
    assert stored["model_version"] == "fake-1"
    assert stored["track_ids"] == [t["id"] for t in made["tracks"]]
    assert client.cookies["pp_session"] not in json.dumps(stored)  # only a hash of the token leaves the gateway


def test_a_rating_other_than_plus_or_minus_one_is_422(client: TestClient) -> None:
    made = make_playlist(client).json()
    assert_envelope(client.post(f"/v1/playlists/{made['id']}/feedback", json={"rating": 5}), 422, "ValidationError")


def test_unknown_genres_are_rejected_with_the_valid_list_and_nothing_is_recommended(
    client: TestClient, fakes: FakeUpstreams
) -> None:
    body = assert_envelope(make_playlist(client, genres="pop,vaporwave"), 422, "UnknownGenre")
    assert body["detail"]["unknown"] == ["vaporwave"]
    assert body["detail"]["valid"] == list(SEED_GENRES)
    # The prediction runs alongside the resolution (so a good upload waits for the slower of the two, not their
    # sum); the typo stops the request before any recommendation is asked for.
    assert fakes.calls.count("playlist") == 1


def test_a_typo_is_422_even_when_inference_is_down(client: TestClient, fakes: FakeUpstreams) -> None:
    fakes.fail["inference"] = httpx.ConnectError("refused")
    body = assert_envelope(make_playlist(client, genres="pop,vaporwave"), 422, "UnknownGenre")
    assert body["detail"]["unknown"] == ["vaporwave"]


def test_no_copy_of_the_photo_is_made_of_an_upload_inference_refused(
    client: TestClient, fakes: FakeUpstreams, monkeypatch: pytest.MonkeyPatch
) -> None:
    copies: list[bytes] = []
    monkeypatch.setattr("services.gateway.playlists.reencode_photo", lambda data: copies.append(data))
    refused = {"error": "ImageTooLarge", "detail": "the image is 9000x9000 = 81,000,000 pixels", "request_id": "x"}
    fakes.fail["inference"] = httpx.Response(413, json=refused)
    assert_envelope(make_playlist(client), 413, "ImageTooLarge")
    assert copies == []  # a decompression bomb inference refused is never decoded by the gateway


def test_seed_genres_need_no_resolution_call_and_other_names_do(client: TestClient, fakes: FakeUpstreams) -> None:
    assert make_playlist(client, genres="pop,rock").status_code == 201
    assert fakes.calls.count("playlist") == 1  # the recommendation only
    fakes.calls.clear()
    client.cookies.clear()  # a new visitor: no account lookup
    response = make_playlist(client, genres="pop,vaporwave")
    assert response.status_code == 422 and fakes.calls.count("playlist") == 1  # the resolution, which refused it


def test_a_made_playlist_says_where_its_time_went_in_server_timing(client: TestClient) -> None:
    response = make_playlist(client, genres="pop")
    assert response.status_code == 201
    timing = parse_server_timing(response.headers["Server-Timing"])
    assert {"predict", "photo", "recommend", "store"} <= set(timing)
    # The inference service's own steps, carried through under a prefix.
    assert (timing["inference-decode"], timing["inference-model"]) == (1.5, 9.0)
    assert all(ms >= 0 for ms in timing.values())


@pytest.mark.parametrize(("field", "value"), [("n", "0"), ("n", "101"), ("n", "many"), ("mode", "loud")])
def test_malformed_fields_are_422(client: TestClient, field: str, value: str) -> None:
    body = assert_envelope(make_playlist(client, **{field: value}), 422, "ValidationError")
    assert body["detail"][0]["loc"] == ["body", field]


def test_a_missing_image_is_422(client: TestClient) -> None:
    response = client.post("/v1/playlists", files={"genres": (None, "pop")})
    body = assert_envelope(response, 422, "ValidationError")
    assert body["detail"][0]["loc"] == ["body", "image"]


def test_a_corrupt_image_is_422_with_inferences_message(client: TestClient) -> None:
    files = {"image": ("photo.jpg", b"not really a jpeg", "image/jpeg")}
    body = assert_envelope(client.post("/v1/playlists", files=files), 422, "InvalidImage")
    assert body["detail"] == "not a decodable image"


def test_a_non_image_part_is_415(client: TestClient, fakes: FakeUpstreams) -> None:
    files = {"image": ("notes.txt", b"hello", "text/plain")}
    body = assert_envelope(client.post("/v1/playlists", files=files), 415, "UnsupportedMediaType")
    assert "text/plain" in body["detail"]
    assert fakes.calls == []


@pytest.mark.parametrize("declared", ["image/jpeg\x00x", "image/", "image/jpeg x", "image/**", "imagejpeg"])
def test_a_malformed_image_type_is_415_before_any_upstream_is_asked(
    client: TestClient, fakes: FakeUpstreams, declared: str
) -> None:
    # The type goes on to inference as a header: one httpx cannot write would fail the upstream call and count
    # against inference's breaker, so three such uploads would refuse everyone's for a while.
    # Written by hand: httpx will not put a control character in a part header, a hostile client will.
    head = f'--b\r\nContent-Disposition: form-data; name="image"; filename="p.jpg"\r\nContent-Type: {declared}\r\n\r\n'
    body = head.encode("latin-1") + jpeg_bytes() + b"\r\n--b--\r\n"
    multipart = {"Content-Type": "multipart/form-data; boundary=b"}
    for _ in range(4):
        answer = client.post("/v1/playlists", content=body, headers=multipart)
        assert_envelope(answer, 415, "UnsupportedMediaType")
    assert fakes.calls == []
    assert client.post("/v1/playlists", files={"image": ("photo.jpg", jpeg_bytes(), "image/jpeg")}).status_code == 201


@pytest.mark.parametrize("declared", ["IMAGE/JPEG; q=1", "image/*"])  # "image/*": what the document's encoding says
def test_an_image_type_with_a_parameter_or_any_subtype_is_taken(client: TestClient, declared: str) -> None:
    files = {"image": ("photo.jpg", jpeg_bytes(), declared)}
    assert client.post("/v1/playlists", files=files).status_code == 201


def test_a_json_body_instead_of_multipart_is_415(client: TestClient) -> None:
    assert_envelope(client.post("/v1/playlists", json={"image": "x"}), 415, "UnsupportedMediaType")


def test_an_upload_over_the_limit_is_413(client: TestClient) -> None:
    files = {"image": ("big.jpg", b"\xff\xd8" + b"0" * 300_000, "image/jpeg")}
    body = assert_envelope(client.post("/v1/playlists", files=files), 413, "PayloadTooLarge")
    assert "200,000-byte limit" in body["detail"]


@pytest.mark.parametrize(
    ("failure", "status", "error"),
    [
        (httpx.ConnectError("refused"), 503, "UpstreamUnavailable"),
        (httpx.ReadTimeout("slow"), 504, "UpstreamTimeout"),
        (httpx.Response(500, text="boom"), 502, "UpstreamError"),
        (
            httpx.Response(503, json={"error": "NotReady", "detail": "model loading"}, headers={"Retry-After": "7"}),
            503,
            "UpstreamUnavailable",
        ),
        (httpx.Response(200, json={"unexpected": True}), 502, "UpstreamError"),
    ],
)
@pytest.mark.parametrize("upstream", ["inference", "playlist"])
def test_an_upstream_failure_is_502_503_or_504_never_500(
    client: TestClient, fakes: FakeUpstreams, upstream: str, failure: Any, status: int, error: str
) -> None:
    fakes.fail[upstream] = failure
    response = make_playlist(client)
    assert_envelope(response, status, error)
    if status == 503:
        assert int(response.headers["Retry-After"]) > 0


def test_a_feedback_outage_is_503_with_retry_after(client: TestClient, fakes: FakeUpstreams) -> None:
    made = make_playlist(client).json()
    fakes.fail["feedback"] = httpx.ConnectError("refused")
    response = client.post(f"/v1/playlists/{made['id']}/feedback", json={"rating": 1})
    assert_envelope(response, 503, "UpstreamUnavailable")
    assert response.headers["Retry-After"] == "5"


def test_the_request_id_travels_to_every_upstream(client: TestClient, fakes: FakeUpstreams) -> None:
    made = make_playlist(client, n="1").json()
    client.post(f"/v1/playlists/{made['id']}/feedback", json={"rating": 1}, headers={"X-Request-ID": "abc-123"})
    assert fakes.seen_request_ids[-1] == "abc-123"
    assert all(rid for rid in fakes.seen_request_ids)


def test_exports_are_rendered_by_the_playlist_service_as_files(client: TestClient) -> None:
    made = make_playlist(client, n="2").json()
    response = client.get(f"/v1/playlists/{made['id']}/export.m3u8")
    assert response.status_code == 200
    assert response.text.splitlines() == ["#EXTM3U", *(t["uri"] for t in made["tracks"])]
    assert "attachment" in response.headers["content-disposition"]
    assert_envelope(client.get(f"/v1/playlists/{made['id']}/export.exe"), 422, "ValidationError")


def test_genres_lists_the_126_seed_genres(client: TestClient) -> None:
    assert client.get("/v1/genres").json() == {"genres": list(SEED_GENRES)}
    assert len(SEED_GENRES) == 126


def test_the_web_page_is_served_at_the_root(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "/static/js/main.js" in response.text
    assert "/v1/playlists" in client.get("/static/js/main.js").text


def test_readiness_follows_the_upstreams(client: TestClient, fakes: FakeUpstreams) -> None:
    assert client.get("/readyz").json() == {
        "status": "ready",
        "checks": {"sessions": True, "inference": True, "playlist": True, "feedback": True},
    }
    fakes.fail["playlist"] = httpx.Response(503, json={"error": "NotReady", "detail": "catalog loading"})
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["playlist"] is False
    assert body["checks"]["sessions"] is True


def test_the_openapi_documents_the_upload_and_its_errors(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    post = schema["paths"]["/v1/playlists"]["post"]
    assert {"413", "415", "422", "502", "503", "504"} <= set(post["responses"])
    assert "multipart/form-data" in post["requestBody"]["content"]


def test_the_openapi_lists_what_the_middleware_and_the_session_answer(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path, method in [("/v1/playlists", "post"), ("/v1/auth/login", "get"), ("/v1/auth/callback", "get")]:
        assert "429" in paths[path][method]["responses"], (path, method)  # the rate limit's
    rate = paths["/v1/playlists/{playlist_id}/feedback"]["post"]["responses"]
    assert {"401", "413", "415", "429"} <= set(rate)  # session, JSON body guard, rate limit
    assert {"401", "503"} <= set(paths["/v1/me"]["get"]["responses"])
    assert "401" not in paths["/v1/genres"]["get"]["responses"]  # reads no session
    assert "413" not in paths["/v1/sessions"]["post"]["responses"]  # takes no body


def test_a_json_body_over_the_limit_is_413_and_another_type_415(fakes: FakeUpstreams) -> None:
    app = create_app(Settings(max_json_bytes=1000), sessions=InProcessSessionStore(), transports=fakes.transports())
    with TestClient(app) as client:
        made = make_playlist(client).json()
        rate = f"/v1/playlists/{made['id']}/feedback"
        # Refused as the bytes arrive: a 2 kB (or 2 GB) rating is never read whole.
        assert_envelope(client.post(rate, json={"rating": 1, "note": "x" * 2000}), 413, "PayloadTooLarge")
        as_text = client.post(rate, content=b"rating=1", headers={"Content-Type": "text/plain"})
        assert_envelope(as_text, 415, "UnsupportedMediaType")
        assert client.post(rate, json={"rating": 1}).status_code == 201
        assert client.post(f"/v1/playlists/{made['id']}/takes").status_code == 201  # a bodyless POST passes


def test_a_wrong_method_is_405_in_the_envelope_with_allow(client: TestClient) -> None:
    response = client.request("TRACE", "/v1/genres")
    assert_envelope(response, 405, "MethodNotAllowed")
    assert response.headers["Allow"] == "GET"


def test_a_typed_genre_is_checked_before_it_is_used(client: TestClient) -> None:
    assert client.get("/v1/genres/resolve", params={"name": "rock"}).json() == {"name": "rock", "genres": ["rock"]}
    body = assert_envelope(client.get("/v1/genres/resolve", params={"name": "chicago juke"}), 422, "UnknownGenre")
    assert body["detail"]["unknown"] == ["chicago juke"]
    assert_envelope(client.get("/v1/genres/resolve", params={"name": ""}), 422, "ValidationError")
