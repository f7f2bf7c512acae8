"""The playlist API over HTTP (in-process) with a small catalog: recommendations, exports, genres, bad input."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

from services.playlist.app import create_app
from services.playlist.genres.mapping import GenreMapper
from services.playlist.recommend.catalog import Catalog, catalog_from_records
from services.playlist.settings import Settings
from shared.features import AUDIO_FEATURES
from shared.genres import SEED_GENRES

GENRES = ("hip-hop", "indie-pop", "ambient")
FEATURES = {
    "acousticness": 0.1,
    "danceability": 0.8,
    "energy": 0.8,
    "instrumentalness": 0.0,
    "liveness": 0.1,
    "loudness": -5.0,
    "speechiness": 0.2,
    "valence": 0.7,
}


def small_catalog() -> Catalog:
    rng = np.random.default_rng(0)
    records = []
    for index in range(60):
        values = rng.uniform(0, 1, 8)
        values[AUDIO_FEATURES.index("loudness")] = -30 + 25 * values[5]
        record: dict[str, object] = {name: float(v) for name, v in zip(AUDIO_FEATURES, values, strict=True)}
        record.update(
            track_id=f"{index:022d}",
            name=f"Track {index}",
            artist=f"Artist {index % 20}",
            genres=[GENRES[index % 3]],
            duration_ms=180_000,
        )
        records.append(record)
    return catalog_from_records(records, source="test")


def mapper() -> GenreMapper:
    return GenreMapper({"uk hip hop": ["hip-hop"], "bedroom pop": ["indie-pop", "chill"]}, embeddings=None)


def settings(**overrides: object) -> Settings:
    return Settings(_env_file=None, **overrides)  # type: ignore[arg-type]


def wait_ready(client: TestClient) -> None:
    deadline = time.monotonic() + 10
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "catalog never loaded"
        time.sleep(0.01)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(settings(max_body_bytes=4096), catalog=small_catalog(), mapper=mapper())) as c:
        wait_ready(c)
        yield c


def assert_envelope(response: Any, status: int, error: str) -> object:
    body = response.json()
    assert response.status_code == status, body
    assert body["error"] == error and body["detail"] and body["request_id"]
    return body["detail"]


# --- recommendations ------------------------------------------------------------------------------------------------


def test_recommendation_returns_n_catalog_tracks_in_the_requested_genre(client: TestClient) -> None:
    response = client.post("/v1/recommendations", json={"features": FEATURES, "genres": ["hip-hop"], "n": 5})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert len(body["tracks"]) == 5 and body["genres"] == ["hip-hop"] and body["mode"] == "match"
    assert all("hip-hop" in track["genres"] for track in body["tracks"])
    assert all(track["url"].startswith("https://open.spotify.com/track/") for track in body["tracks"])


def test_micro_genre_names_and_weights_are_mapped_to_seed_genres(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations", json={"features": FEATURES, "genres": {"uk hip hop": 2.0, "bedroom pop": 1.0}}
    )
    assert response.status_code == 200
    assert response.json()["genres"][0] == "hip-hop" and "indie-pop" in response.json()["genres"]


def test_boost_mode_targets_more_energy_than_calm(client: TestClient) -> None:
    boost = client.post("/v1/recommendations", json={"features": FEATURES, "mode": "boost"}).json()
    calm = client.post("/v1/recommendations", json={"features": FEATURES, "mode": "calm"}).json()
    assert boost["target"]["energy"] > FEATURES["energy"] > calm["target"]["energy"]


def test_unknown_genre_is_rejected_with_the_valid_list(client: TestClient) -> None:
    response = client.post("/v1/recommendations", json={"features": FEATURES, "genres": ["zzqx vvbn"]})
    detail = assert_envelope(response, 422, "UnknownGenre")
    assert (
        isinstance(detail, dict)
        and detail["unknown"] == ["zzqx vvbn"]
        and detail["valid"][:2] == ["acoustic", "afrobeat"]
    )
    assert "zzqx vvbn" in detail["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"genres": ["hip-hop"]}, "features"),
        ({"features": {**FEATURES, "energy": 1.5}}, "energy"),
        ({"features": {k: v for k, v in FEATURES.items() if k != "valence"}}, "valence"),
        ({"features": FEATURES, "n": 0}, "n"),
        ({"features": FEATURES, "n": 101}, "n"),
        ({"features": FEATURES, "mode": "loud"}, "mode"),
        ({"features": FEATURES, "genres": {"hip-hop": -1}}, "genres"),
        ({"features": FEATURES, "surprise": True}, "surprise"),
    ],
)
def test_missing_or_malformed_fields_are_422_naming_the_field(client: TestClient, body: dict, field: str) -> None:
    detail = assert_envelope(client.post("/v1/recommendations", json=body), 422, "ValidationError")
    assert any(field in [str(part) for part in problem["loc"]] for problem in detail)  # type: ignore[attr-defined]


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations", content=b'{"features": ', headers={"Content-Type": "application/json"}
    )
    assert_envelope(response, 422, "ValidationError")


def test_body_that_is_not_utf8_json_is_422_not_a_bare_400(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations/export", content=b"\xc3?\n", headers={"Content-Type": "application/json"}
    )
    detail = assert_envelope(response, 422, "ValidationError")
    assert detail[0]["type"] == "json_invalid"  # type: ignore[index]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "image/jpeg", ""])
def test_non_json_body_is_415(client: TestClient, content_type: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/v1/recommendations", content=b"features=1", headers=headers)
    assert "application/json" in str(assert_envelope(response, 415, "UnsupportedMediaType"))


def test_body_over_the_limit_is_413(client: TestClient) -> None:
    huge = {"features": FEATURES, "genres": ["hip-hop"] * 1000}
    assert "4,096-byte limit" in str(
        assert_envelope(client.post("/v1/recommendations", json=huge), 413, "PayloadTooLarge")
    )


def test_streamed_body_over_the_limit_is_413_before_it_is_all_read() -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        sent.append(0)
        yield b'{"features": {}, "genres": ["'
        for index in range(500):
            sent.append(index)
            yield b"x" * 1024

    async def scenario() -> httpx.Response:
        app = create_app(settings(max_body_bytes=8192), catalog=small_catalog(), mapper=mapper())
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://playlist") as http:
                headers = {"Content-Type": "application/json"}
                return await http.post("/v1/recommendations", content=chunks(), headers=headers)

    assert_envelope(asyncio.run(scenario()), 413, "PayloadTooLarge")
    assert len(sent) < 50


# --- exports ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "media_type"), [("json", "application/json"), ("m3u8", "audio/x-mpegurl"), ("csv", "text/csv")]
)
def test_export_has_the_right_media_type_and_file_name(client: TestClient, fmt: str, media_type: str) -> None:
    response = client.post(f"/v1/recommendations/export?format={fmt}", json={"features": FEATURES, "n": 3})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["content-disposition"] == f'attachment; filename="pressedplay.{fmt}"'


def test_m3u8_export_lists_each_track_with_its_link(client: TestClient) -> None:
    text = client.post("/v1/recommendations/export?format=m3u8", json={"features": FEATURES, "n": 4}).text
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U"
    assert sum(line.startswith("#EXTINF:180,") for line in lines) == 4
    assert sum(line.startswith("https://open.spotify.com/track/") for line in lines) == 4


def test_an_existing_recommendation_is_exported_unchanged(client: TestClient) -> None:
    # No spares: this client's body limit is 4 KB, and an export never reads them.
    made = client.post("/v1/recommendations", json={"features": FEATURES, "n": 6, "seed": 3, "spares": 0}).json()
    rows = list(csv.DictReader(io.StringIO(client.post("/v1/recommendations/export?format=csv", json=made).text)))
    assert [row["id"] for row in rows] == [track["id"] for track in made["tracks"]]


def test_unknown_export_format_is_422(client: TestClient) -> None:
    response = client.post("/v1/recommendations/export?format=xlsx", json={"features": FEATURES})
    assert_envelope(response, 422, "ValidationError")


# --- genres ----------------------------------------------------------------------------------------------------------


def test_genres_lists_the_126_seed_genres_with_catalog_counts(client: TestClient) -> None:
    body = client.get("/v1/genres").json()
    assert body["genres"] == list(SEED_GENRES) and len(body["genres"]) == 126
    assert body["track_counts"]["hip-hop"] == 20 and body["track_counts"]["jazz"] == 0


def test_genre_map_maps_each_name(client: TestClient) -> None:
    response = client.post("/v1/genres/map", json={"genres": ["uk hip hop", "bedroom pop"]})
    assert response.json() == {"uk hip hop": ["hip-hop"], "bedroom pop": ["indie-pop", "chill"]}


@pytest.mark.parametrize(
    "body", [{"genres": []}, {"genres": ["x" * 101]}, {"genres": ["pop"] * 201}, {"names": ["pop"]}, {"genres": "pop"}]
)
def test_genre_map_rejects_empty_oversized_or_malformed_requests(client: TestClient, body: dict) -> None:
    assert_envelope(client.post("/v1/genres/map", json=body), 422, "ValidationError")


# --- readiness, request ids, OpenAPI, settings ------------------------------------------------------------------------


def test_not_ready_while_the_catalog_is_missing(tmp_path: Path) -> None:
    app = create_app(settings(catalog_path=tmp_path / "absent.parquet"), mapper=mapper())
    with TestClient(app) as client:
        time.sleep(0.2)
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        response = client.post("/v1/recommendations", json={"features": FEATURES})
        assert_envelope(response, 503, "NotReady")
        assert response.headers["Retry-After"] == "5"


def test_ready_once_catalog_and_genre_map_are_loaded(client: TestClient) -> None:
    # genre_text_model: ready only once the text model that places unfamiliar genre names is warm (cold start).
    checks = {"catalog_and_genre_map": True, "genre_text_model": True, "spotify_store": True}
    assert client.get("/readyz").json() == {"status": "ready", "checks": checks}


def test_request_id_is_echoed_on_success_and_in_error_envelopes(client: TestClient) -> None:
    ok = client.post("/v1/recommendations", json={"features": FEATURES}, headers={"X-Request-ID": "trace-ok"})
    bad = client.post("/v1/recommendations", json={}, headers={"X-Request-ID": "trace-bad"})
    assert ok.headers["X-Request-ID"] == "trace-ok"
    assert bad.headers["X-Request-ID"] == "trace-bad" and bad.json()["request_id"] == "trace-bad"


def test_openapi_has_examples_and_error_envelopes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/recommendations"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["examples"]
    assert {"413", "415", "422", "503"} <= set(operation["responses"])
    assert "/v1/recommendations/export" in spec["paths"] and "/v1/genres/map" in spec["paths"]


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLAYLIST_CATALOG_PATH", str(tmp_path / "c.parquet"))
    monkeypatch.setenv("PLAYLIST_WORKERS", "3")
    loaded = Settings(_env_file=None)
    assert loaded.catalog_path == tmp_path / "c.parquet" and loaded.workers == 3


def test_resolve_maps_micro_genres_and_passes_seed_genres_through(client: TestClient) -> None:
    response = client.post("/v1/genres/resolve", json={"genres": ["hip-hop", "uk drill"]})
    assert response.status_code == 200
    genres = response.json()["genres"]
    assert genres[0] == "hip-hop" and len(genres) == len(set(genres))


def test_resolve_rejects_a_name_that_maps_to_nothing_listing_the_valid_ones(client: TestClient) -> None:
    detail = assert_envelope(client.post("/v1/genres/resolve", json={"genres": ["rock", "!!!"]}), 422, "UnknownGenre")
    assert isinstance(detail, dict) and detail["unknown"] == ["!!!"] and "rock" in detail["valid"]
