"""Logs on a person's terminal are readable lines by default; JSON lines with PRESSEDPLAY_LOG_FORMAT=json (as the
container image sets); any other value is refused at start rather than guessed."""

from __future__ import annotations

import json
import logging

import pytest

from shared.logging import JsonFormatter, TextFormatter, configure_logging, log_format


def completed() -> logging.LogRecord:
    record = logging.LogRecord("pressedplay.http", logging.INFO, __file__, 1, "request.completed", (), None)
    record.__dict__.update(method="POST", route="/v1/playlists", status=201, duration_ms=812.3)
    return record


def test_a_request_reads_as_a_sentence_of_its_method_route_status_and_time() -> None:
    assert TextFormatter().format(completed()) == "INFO     request.completed  POST /v1/playlists 201  812 ms"


def test_other_fields_read_as_key_value_pairs() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "predictor.onnx_unavailable", (), None)
    record.reason = "OSError: no space"
    assert TextFormatter().format(record) == "WARNING  predictor.onnx_unavailable  reason=OSError: no space"


@pytest.mark.parametrize(
    ("value", "formatter"), [(None, TextFormatter), ("text", TextFormatter), ("JSON", JsonFormatter)]
)
def test_the_setting_chooses_the_format_and_text_is_the_default(
    monkeypatch: pytest.MonkeyPatch, value: str | None, formatter: type[logging.Formatter]
) -> None:
    if value is None:
        monkeypatch.delenv("PRESSEDPLAY_LOG_FORMAT", raising=False)
    else:
        monkeypatch.setenv("PRESSEDPLAY_LOG_FORMAT", value)
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("gateway")
        assert isinstance(root.handlers[0].formatter, formatter)
        if formatter is JsonFormatter:
            assert json.loads(root.handlers[0].format(completed()))["status"] == 201
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])


def test_an_unknown_format_is_refused_naming_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSEDPLAY_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="text, json"):
        log_format()
