import json
import logging

from fastapi import FastAPI
from fastapi.testclient import TestClient

from shared.errors import InvalidInput
from shared.logging import JsonFormatter
from shared.web.service import install_common


def _app() -> FastAPI:
    app = FastAPI()
    install_common(app, "test")

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/bad")
    def bad() -> None:
        raise InvalidInput("n must be between 1 and 100")

    @app.get("/items/{item_id}")
    def item(item_id: int) -> dict[str, int]:
        return {"item_id": item_id}

    return app


def test_unexpected_exception_answers_500_envelope_with_the_request_id():
    client = TestClient(_app(), raise_server_exceptions=False)
    response = client.get("/boom", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 500
    assert response.json() == {
        "error": "InternalError",
        "detail": "an unexpected error occurred; see the service log",
        "request_id": "req-123",
    }
    assert response.headers["X-Request-ID"] == "req-123"
    assert "secret internals" not in response.text


def test_domain_error_keeps_its_name_status_and_request_id():
    response = TestClient(_app()).get("/bad")
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "InvalidInput" and "between 1 and 100" in body["detail"]
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_validation_error_uses_the_envelope_without_echoing_input():
    response = TestClient(_app()).get("/items/not-a-number")
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "ValidationError"
    assert body["detail"][0]["loc"] == ["path", "item_id"]
    assert "input" not in body["detail"][0]


def test_unknown_route_is_a_404_envelope():
    response = TestClient(_app()).get("/nowhere")
    assert response.status_code == 404 and response.json()["error"] == "NotFound"


def test_a_malformed_caller_request_id_is_replaced():
    response = TestClient(_app()).get("/items/1", headers={"X-Request-ID": "bad id\nwith newline"})
    assert response.headers["X-Request-ID"] != "bad id\nwith newline"
    assert len(response.headers["X-Request-ID"]) == 16


def test_metrics_label_requests_by_route_template_not_raw_path():
    client = TestClient(_app())
    client.get("/items/41")
    client.get("/items/42")
    text = client.get("/metrics").text
    assert 'route="/items/{item_id}"' in text
    assert 'route="/items/41"' not in text


def test_json_log_lines_carry_event_fields_and_service():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "rating.recorded", (), None)
    record.playlist_id = "p1"
    line = json.loads(JsonFormatter("feedback").format(record))
    assert line["event"] == "rating.recorded" and line["service"] == "feedback" and line["playlist_id"] == "p1"
