"""The inference API over HTTP (in-process): predictions, every kind of bad input, readiness, auth, envelope."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from PIL import Image
from pydantic import SecretStr, ValidationError

from services.inference.app import create_app
from services.inference.settings import Settings
from services.inference.uploads import UploadInterrupted, read_image_upload
from shared.logging import JsonFormatter
from shared.server_timing import parse_server_timing
from tests.fakes.predictor import FakePredictor, fake_loader

ADMIN = "an-admin-token-for-tests-only-123"


def settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "model_uri": "fake://v1",
        "admin_token": SecretStr(ADMIN),
        "max_wait_ms": 1.0,
        "device": "cpu",
    }
    return Settings(_env_file=None, **{**values, **overrides})  # type: ignore[arg-type]


def jpeg(colour: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def wait_ready(client: TestClient, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "the model never became ready"
        time.sleep(0.01)


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = create_app(settings(max_upload_bytes=64 * 1024), loader=fake_loader({"fake://v1": FakePredictor()}))
    with TestClient(app) as test_client:
        wait_ready(test_client)
        yield test_client


def assert_envelope(response: object, status: int, error: str) -> dict[str, object]:
    body = response.json()  # type: ignore[attr-defined]
    assert response.status_code == status, body  # type: ignore[attr-defined]
    assert body["error"] == error and body["detail"] and body["request_id"]
    return body


# --- predictions ----------------------------------------------------------------------------------------------------


def test_raw_jpeg_body_gets_features_and_model_version(client: TestClient) -> None:
    response = client.post("/v1/predict", content=jpeg(), headers={"Content-Type": "image/jpeg"})
    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] == "fake-1" and set(body["features"]) >= {"energy", "valence", "loudness"}
    assert "attention" not in body and "attention_png" not in body


def test_a_prediction_carries_the_photos_mood_and_genre_look(client: TestClient) -> None:
    body = client.post("/v1/predict", content=jpeg(), headers={"Content-Type": "image/jpeg"}).json()
    assert 1 <= body["mood"]["valence"] <= 9 and 1 <= body["mood"]["arousal"] <= 9
    assert set(body["genre_look"]) == {"Pop", "Rock"} and abs(sum(body["genre_look"].values()) - 1) < 1e-6


def test_a_prediction_says_where_its_time_went_in_server_timing(client: TestClient) -> None:
    plain = client.post("/v1/predict", content=jpeg(), headers={"Content-Type": "image/jpeg"})
    assert set(parse_server_timing(plain.headers["Server-Timing"])) == {"read", "decode", "model"}
    png = client.post("/v1/predict?attention=png", content=jpeg(), headers={"Content-Type": "image/jpeg"})
    assert set(parse_server_timing(png.headers["Server-Timing"])) == {"read", "decode", "model", "overlay"}


def test_multipart_image_field_is_accepted(client: TestClient) -> None:
    response = client.post("/v1/predict", files={"image": ("cover.jpg", jpeg(), "image/jpeg")})
    assert response.status_code == 200 and response.json()["model_version"] == "fake-1"


def test_different_photos_get_their_own_predictions(client: TestClient) -> None:
    red = client.post("/v1/predict", content=jpeg((250, 0, 0)), headers={"Content-Type": "image/jpeg"}).json()
    blue = client.post("/v1/predict", content=jpeg((0, 0, 250)), headers={"Content-Type": "image/jpeg"}).json()
    assert red["features"]["energy"] > 0.9 and blue["features"]["energy"] < 0.1


def test_attention_true_returns_a_map_summing_to_one(client: TestClient) -> None:
    response = client.post("/v1/predict?attention=true", content=jpeg(), headers={"Content-Type": "image/png"})
    attention = response.json()["attention"]
    assert (attention["height"], attention["width"]) == (4, 4)
    assert sum(map(sum, attention["values"])) == pytest.approx(1.0)


def test_attention_png_returns_a_decodable_overlay(client: TestClient) -> None:
    response = client.post("/v1/predict?attention=png", content=jpeg(), headers={"Content-Type": "image/jpeg"})
    overlay = Image.open(io.BytesIO(base64.b64decode(response.json()["attention_png"])))
    assert overlay.format == "PNG"


# --- bad input ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/x-www-form-urlencoded", ""])
def test_wrong_content_type_is_415(client: TestClient, content_type: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    body = assert_envelope(client.post("/v1/predict", content=jpeg(), headers=headers), 415, "UnsupportedMediaType")
    assert "image/" in str(body["detail"])


def test_body_over_the_declared_limit_is_413_before_reading(client: TestClient) -> None:
    big = b"\xff" * (64 * 1024 + 1)
    body = assert_envelope(
        client.post("/v1/predict", content=big, headers={"Content-Type": "image/jpeg"}), 413, "PayloadTooLarge"
    )
    assert "65,536-byte limit" in str(body["detail"])


def test_streamed_body_is_cut_off_once_it_passes_the_limit() -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: only the running count can catch it
        for index in range(1_000):
            sent.append(index)
            yield b"\x00" * 1024

    async def scenario() -> httpx.Response:
        app = create_app(settings(max_upload_bytes=64 * 1024), loader=fake_loader({"fake://v1": FakePredictor()}))
        async with app.router.lifespan_context(app):
            # httpx's ASGI transport hands the body over chunk by chunk, as a socket would (TestClient reads it all).
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://inference") as http:
                while (await http.get("/readyz")).status_code != 200:
                    await asyncio.sleep(0.01)
                return await http.post("/v1/predict", content=chunks(), headers={"Content-Type": "image/jpeg"})

    assert_envelope(asyncio.run(scenario()), 413, "PayloadTooLarge")
    assert len(sent) < 100, f"read {len(sent)} KiB of a 1000 KiB body before refusing a 64 KiB limit"


def test_multipart_image_over_the_limit_is_413(client: TestClient) -> None:
    response = client.post("/v1/predict", files={"image": ("big.jpg", b"\x00" * (70 * 1024), "image/jpeg")})
    assert_envelope(response, 413, "PayloadTooLarge")


def test_corrupt_image_is_422_with_a_clear_message(client: TestClient) -> None:
    data = jpeg()
    response = client.post("/v1/predict", content=data[: len(data) // 2], headers={"Content-Type": "image/jpeg"})
    body = assert_envelope(response, 422, "InvalidImage")
    assert "truncated" in str(body["detail"]) or "corrupt" in str(body["detail"])


def test_text_sent_as_an_image_is_422_not_an_image(client: TestClient) -> None:
    response = client.post("/v1/predict", content=b"definitely not a photo", headers={"Content-Type": "image/png"})
    assert "not an image" in str(assert_envelope(response, 422, "InvalidImage")["detail"])


def test_empty_body_is_422_empty_image(client: TestClient) -> None:
    response = client.post("/v1/predict", content=b"", headers={"Content-Type": "image/jpeg"})
    assert "empty" in str(assert_envelope(response, 422, "InvalidImage")["detail"])


def test_image_with_too_many_pixels_is_413_image_too_large() -> None:
    app = create_app(settings(max_pixels=500), loader=fake_loader({"fake://v1": FakePredictor()}))
    with TestClient(app) as client:
        wait_ready(client)
        response = client.post("/v1/predict", content=jpeg(size=(30, 30)), headers={"Content-Type": "image/jpeg"})
    assert "limit is 500 pixels" in str(assert_envelope(response, 413, "ImageTooLarge")["detail"])


def test_multipart_without_an_image_field_is_422(client: TestClient) -> None:
    response = client.post("/v1/predict", files={"photo": ("cover.jpg", jpeg(), "image/jpeg")})
    assert "'image'" in str(assert_envelope(response, 422, "MissingImage")["detail"])


def test_multipart_image_given_as_text_is_422(client: TestClient) -> None:
    response = client.post("/v1/predict", data={"image": "not a file"}, files={"other": ("x", b"x", "text/plain")})
    assert "not a file" in str(assert_envelope(response, 422, "MissingImage")["detail"])


def test_multipart_without_boundary_is_422_malformed(client: TestClient) -> None:
    response = client.post("/v1/predict", content=b"garbage", headers={"Content-Type": "multipart/form-data"})
    assert "malformed" in str(assert_envelope(response, 422, "InvalidInput")["detail"])


def test_unknown_attention_option_is_422_validation_error(client: TestClient) -> None:
    response = client.post("/v1/predict?attention=maybe", content=jpeg(), headers={"Content-Type": "image/jpeg"})
    body = assert_envelope(response, 422, "ValidationError")
    assert body["detail"][0]["loc"] == ["query", "attention"]  # type: ignore[index]


def test_client_disconnecting_mid_upload_is_a_client_error_not_a_crash() -> None:
    sent: list[dict[str, Any]] = [{"type": "http.request", "body": b"\xff\xd8", "more_body": True}]
    messages = iter([*sent, {"type": "http.disconnect"}])

    async def receive() -> dict[str, Any]:
        return next(messages)

    scope = {"type": "http", "method": "POST", "path": "/v1/predict", "headers": [(b"content-type", b"image/jpeg")]}
    with pytest.raises(UploadInterrupted, match="after 2 bytes"):
        asyncio.run(read_image_upload(Request(scope, receive), max_bytes=1000))


# --- readiness, model info, reload auth -----------------------------------------------------------------------------


def test_not_ready_until_the_model_has_loaded_then_ready() -> None:
    gate = threading.Event()
    app = create_app(settings(), loader=fake_loader({"fake://v1": FakePredictor()}, load_gate=gate))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        early = client.post("/v1/predict", content=jpeg(), headers={"Content-Type": "image/jpeg"})
        assert_envelope(early, 503, "NotReady")
        assert early.headers["Retry-After"] == "5"
        gate.set()
        wait_ready(client)
        assert client.get("/readyz").json()["checks"] == {"model": True}
        assert client.get("/v1/model").json()["model"]["version"] == "fake-1"


def test_missing_model_at_start_keeps_the_service_up_but_not_ready() -> None:
    app = create_app(settings(model_uri="fake://absent"), loader=fake_loader({}))
    with TestClient(app) as client:
        time.sleep(0.1)
        assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 503
        response = client.post("/v1/predict", content=jpeg(), headers={"Content-Type": "image/jpeg"})
        assert "fake://absent" in str(assert_envelope(response, 503, "NotReady")["detail"])


def test_reload_without_or_with_a_wrong_token_is_401(client: TestClient) -> None:
    assert_envelope(client.post("/v1/model/reload"), 401, "Unauthorized")
    wrong = client.post("/v1/model/reload", headers={"Authorization": "Bearer not-the-token"})
    assert_envelope(wrong, 401, "Unauthorized")


def test_reload_is_disabled_when_no_admin_token_is_configured() -> None:
    app = create_app(settings(admin_token=None), loader=fake_loader({"fake://v1": FakePredictor()}))
    with TestClient(app) as client:
        response = client.post("/v1/model/reload", headers={"Authorization": "Bearer anything"})
    assert "not set" in str(assert_envelope(response, 401, "Unauthorized")["detail"])


def test_reload_swaps_the_model_and_reports_the_previous_version() -> None:
    loader = fake_loader({"fake://v1": FakePredictor(), "fake://v2": FakePredictor(version="fake-2")})
    with TestClient(create_app(settings(), loader=loader)) as client:
        wait_ready(client)
        auth = {"Authorization": f"Bearer {ADMIN}"}
        reloaded = client.post("/v1/model/reload", json={"uri": "fake://v2"}, headers=auth)
        assert reloaded.status_code == 200
        assert reloaded.json()["model"]["version"] == "fake-2" and reloaded.json()["previous_version"] == "fake-1"
        after = client.post("/v1/predict", content=jpeg(), headers={"Content-Type": "image/jpeg"})
        assert after.json()["model_version"] == "fake-2"


def test_failed_reload_keeps_the_old_model_serving() -> None:
    with TestClient(create_app(settings(), loader=fake_loader({"fake://v1": FakePredictor()}))) as client:
        wait_ready(client)
        auth = {"Authorization": f"Bearer {ADMIN}"}
        failed = client.post("/v1/model/reload", json={"uri": "fake://broken"}, headers=auth)
        assert "fake://broken" in str(assert_envelope(failed, 422, "ModelLoadFailed")["detail"])
        still = client.post("/v1/predict", content=jpeg(), headers={"Content-Type": "image/jpeg"})
        assert still.json()["model_version"] == "fake-1"


def test_model_crash_is_a_500_envelope_not_a_traceback() -> None:
    broken = FakePredictor(fail_with=RuntimeError("CUDA error: device-side assert"))
    with TestClient(create_app(settings(), loader=fake_loader({"fake://v1": broken}))) as client:
        wait_ready(client)
        response = client.post("/v1/predict", content=jpeg(), headers={"Content-Type": "image/jpeg"})
    body = assert_envelope(response, 500, "InferenceFailed")
    assert "CUDA" not in str(body["detail"])


# --- cross-cutting: request id, metrics, OpenAPI, settings ----------------------------------------------------------


def test_request_id_is_echoed_and_carried_into_the_json_log(client: TestClient) -> None:
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(JsonFormatter("inference").format(record))  # type: ignore[method-assign]
    logger = logging.getLogger("pressedplay.http")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        response = client.post(
            "/v1/predict", content=jpeg(), headers={"Content-Type": "image/jpeg", "X-Request-ID": "trace-42"}
        )
    finally:
        logger.removeHandler(handler)
    assert response.headers["X-Request-ID"] == "trace-42"
    completed = [json.loads(line) for line in lines if '"request.completed"' in line]
    assert completed and completed[-1]["request_id"] == "trace-42" and completed[-1]["route"] == "/v1/predict"


def test_metrics_expose_inference_histograms(client: TestClient) -> None:
    client.post("/v1/predict", content=jpeg(), headers={"Content-Type": "image/jpeg"})
    text = client.get("/metrics").text
    for name in ("inference_batch_size_count", "inference_batch_seconds_bucket", "inference_queue_depth"):
        assert name in text
    assert 'route="/v1/predict"' in text


def test_openapi_documents_image_and_multipart_bodies_and_error_envelopes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/predict"]["post"]
    assert {"image/jpeg", "multipart/form-data"} <= set(operation["requestBody"]["content"])
    assert {"413", "415", "422", "503"} <= set(operation["responses"])
    assert spec["components"]["schemas"]["PredictResponse"]["examples"]


def test_placeholder_admin_token_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="INFERENCE_ADMIN_TOKEN"):
        settings(environment="production", admin_token=SecretStr("changeme"))
    with pytest.raises(ValidationError, match="INFERENCE_ADMIN_TOKEN"):
        settings(environment="production", admin_token=None)
    service_token = SecretStr("a-service-token-for-tests")
    assert settings(environment="production", service_token=service_token).environment == "production"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFERENCE_MAX_BATCH", "16")
    monkeypatch.setenv("INFERENCE_BATCHING", "false")
    monkeypatch.setenv("INFERENCE_MODEL_URI", "s3://models/effnet.pt")
    loaded = Settings(_env_file=None)
    assert loaded.max_batch == 16 and loaded.batching is False and loaded.model_uri == "s3://models/effnet.pt"


@pytest.mark.parametrize(
    ("device", "backend", "batching", "enabled"),
    [
        ("cpu", "onnx", "auto", True),
        ("cpu", "eager", "auto", False),
        ("cuda", "eager", "auto", True),
        ("cpu", "eager", True, True),
        ("cuda:1", "onnx", False, False),
    ],
)
def test_batching_auto_is_on_when_the_loaded_model_runs_on_cuda_or_in_onnx_runtime(
    device: str, backend: str, batching: object, enabled: bool
) -> None:
    served = FakePredictor(device=device, backend=backend)
    app = create_app(settings(device=device, batching=batching), loader=fake_loader({"fake://v1": served}))
    with TestClient(app) as client:
        wait_ready(client)
        info = client.get("/v1/model").json()
    assert info["model"]["backend"] == backend
    assert info["batching"]["enabled"] is enabled and info["batching"]["max_batch"] == (8 if enabled else 1)


def test_a_reload_decides_the_batching_again_for_the_model_it_loads() -> None:
    predictors = {"fake://v1": FakePredictor(), "fake://v2": FakePredictor(version="fake-2", backend="onnx")}
    app = create_app(settings(batching="auto"), loader=fake_loader(predictors))
    with TestClient(app) as client:
        wait_ready(client)
        assert client.get("/v1/model").json()["batching"]["enabled"] is False
        headers = {"Authorization": f"Bearer {ADMIN}"}
        assert client.post("/v1/model/reload", json={"uri": "fake://v2"}, headers=headers).status_code == 200
        assert client.get("/v1/model").json()["batching"] == {
            "enabled": True,
            "max_batch": 8,
            "max_wait_ms": 1.0,
            "queue_size": 64,
            "workers": 1,
        }
        assert client.post("/v1/model/reload", json={"uri": "fake://v1"}, headers=headers).status_code == 200
        assert client.get("/v1/model").json()["batching"]["max_batch"] == 1
