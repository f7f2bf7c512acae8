"""The HTTP side of the error tree (shared/errors.py): the envelope every non-2xx response carries, its handlers,
and the OpenAPI `responses=` entries that document it.

The JSON body is always {"error": "<ClassName or given name>", "detail": ..., "request_id": "..."}.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import ServiceError
from shared.logging import REQUEST_ID_HEADER, current_request_id, reset_request_id, set_request_id

log = logging.getLogger("pressedplay.errors")


class ErrorEnvelope(BaseModel):
    """What every non-2xx response carries."""

    error: str = Field(examples=["InvalidInput"])
    detail: Any = Field(default=None, examples=["n must be between 1 and 100"])
    request_id: str | None = Field(default=None, examples=["3f2b9c0e6a1d4e2f"])


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting that these status codes answer with the envelope."""
    return {code: {"model": ErrorEnvelope} for code in codes}


def envelope_response(
    status_code: int, name: str, detail: Any, retry_after: int | None = None, *, request_id: str | None = None
) -> JSONResponse:
    """Render the envelope; the request id comes from the logging context unless given.

    An explicit request_id is also set as the X-Request-ID header: that path (the last-resort 500) bypasses the
    middleware that normally adds it.
    """
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    if request_id:
        headers[REQUEST_ID_HEADER] = request_id
    request_id = request_id or current_request_id()
    body = {"error": name, "detail": detail, "request_id": request_id}
    return JSONResponse(status_code=status_code, content=body, headers=headers or None)


_HTTP_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    429: "TooManyRequests",
}


def _validation_detail(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Only location, message and type: echoing "input" could send back image bytes or tokens.
    return [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()]


def install_error_handlers(app: FastAPI) -> None:
    """Make every error, validation errors and unexpected exceptions included, answer with the envelope."""

    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, exc: ServiceError) -> JSONResponse:
        if exc.status_code >= 500:
            log.warning("request.failed", extra={"error": exc.name, "detail": str(exc.detail)})
        response = envelope_response(exc.status_code, exc.name, exc.detail, exc.retry_after)
        if exc.status_code == 401:  # RFC 9110: a 401 names its scheme; every credential here is a bearer token
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return envelope_response(422, "ValidationError", _validation_detail(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        name = _HTTP_NAMES.get(exc.status_code, "HTTPError")
        response = envelope_response(exc.status_code, name, exc.detail)
        # Keep the exception's headers: a 405 must say Allow (RFC 9110), a 401 WWW-Authenticate.
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette runs this outermost, after RequestContextMiddleware has unbound the id: read it off the scope.
        request_id = request.scope.get("state", {}).get("request_id")
        token = set_request_id(request_id)
        try:
            log.exception("request.crashed", extra={"error": type(exc).__name__})
        finally:
            reset_request_id(token)
        detail = "an unexpected error occurred; see the service log"
        return envelope_response(500, "InternalError", detail, request_id=request_id)
