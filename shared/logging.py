"""Structured logs that carry a request id across services: readable lines on a terminal by default, one JSON
object per line where a machine reads them (PRESSEDPLAY_LOG_FORMAT=json, as the container image sets).

Events are named (`request.completed`), values go in fields; tokens, secrets and image bytes never reach a log.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import re
import sys
import uuid
from typing import Any

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
# A caller's id is accepted only if it looks like an id: it is echoed into logs and headers.
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}
LOG_FORMAT_ENV = "PRESSEDPLAY_LOG_FORMAT"
LOG_FORMATS = ("text", "json")


def current_request_id() -> str | None:
    """The id of the request being handled, or None outside a request."""
    return _request_id.get()


def set_request_id(value: str | None) -> contextvars.Token[str | None]:
    """Bind a request id to the current context (used by workers that outlive the request scope)."""
    return _request_id.set(value)


def reset_request_id(token: contextvars.Token[str | None]) -> None:
    """Undo a set_request_id()."""
    _request_id.reset(token)


def is_valid_request_id(value: str) -> bool:
    """Whether a caller's X-Request-ID may be adopted (it is echoed into logs and headers)."""
    return bool(_VALID_ID.match(value))


def new_request_id() -> str:
    """A fresh random request id."""
    return uuid.uuid4().hex[:16]


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    """The record's `extra=` fields."""
    return {key: value for key, value in record.__dict__.items() if key not in _RESERVED and not key.startswith("_")}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, service, event, request_id and any `extra=` fields."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "event": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        entry.update(_fields(record))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """A line a person reads: `INFO     request.completed  POST /v1/playlists 201  812 ms  [req 3f2a...]`; the
    request's fields are said as words, any other field as key=value. No time: `make run`'s supervisor stamps
    every line it passes on."""

    def format(self, record: logging.LogRecord) -> str:
        fields = _fields(record)
        parts = [f"{record.levelname:<7}", record.getMessage()]
        if record.getMessage() == "request.completed" and {"method", "route", "status"} <= set(fields):
            parts.append(f"{fields.pop('method')} {fields.pop('route')} {fields.pop('status')}")
            if "duration_ms" in fields:
                parts.append(f"{fields.pop('duration_ms'):.0f} ms")
        parts.extend(f"{key}={value}" for key, value in fields.items())
        request_id = current_request_id()
        if request_id:
            parts.append(f"[req {request_id}]")
        line = "  ".join(str(part) for part in parts)
        return f"{line}\n{self.formatException(record.exc_info)}" if record.exc_info else line


def log_format() -> str:
    """PRESSEDPLAY_LOG_FORMAT: "text" (the default: lines for a person) or "json"; raises ValueError otherwise."""
    chosen = os.environ.get(LOG_FORMAT_ENV, "text").strip().lower() or "text"
    if chosen not in LOG_FORMATS:
        raise ValueError(f"{LOG_FORMAT_ENV} must be one of {', '.join(LOG_FORMATS)}, not {chosen!r}")
    return chosen


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every logger's records to stderr, as readable lines or JSON (log_format()), tagged with the service."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service) if log_format() == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn.access",):  # replaced by our request.completed event
        logging.getLogger(name).disabled = True
