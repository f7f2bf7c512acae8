"""The one error hierarchy and the one envelope every service answers with.

    ServiceError                      500 InternalError (base; never raised bare)
    ├── BadRequest                    400  a request that cannot be acted on (a bad sign-in callback)
    ├── InvalidInput                  422  bad values: features out of range, unknown genre, corrupt image ...
    ├── NotFound                      404
    ├── PayloadTooLarge               413
    ├── UnsupportedMediaType          415
    ├── Unauthorized                  401
    ├── Forbidden                     403
    ├── Overloaded                    503  with Retry-After (a bounded queue is full)
    │   └── ComputeTimeout            503  the work (a prediction, a recommendation) did not finish in time
    ├── NotReady                      503  with Retry-After (model or dependency not ready yet)
    └── UpstreamError                 502  another service or Spotify failed
        ├── UpstreamUnavailable       503  could not connect
        │   └── StoreUnavailable      503  the store a service keeps its state in (Redis, SQLite, DynamoDB) failed
        ├── StoreRefused              502  the store answered and refused the request for good (a retry cannot help)
        └── UpstreamTimeout           504

The JSON body is always {"error": "<ClassName or given name>", "detail": ..., "request_id": "..."}. Domain modules
subclass these (e.g. UnknownGenre(InvalidInput)) so the class name is the error name a client sees; the CLI prints
the same detail. Plain Python: domain code and the pipeline raise these without the web framework; the HTTP side
(the envelope, its handlers, OpenAPI `responses=`) is shared/web/errors.py.

Errors that cross a service boundary by name (one service raises, another catches) are listed in CROSS_SERVICE:
shared.http.ServiceClient raises the listed class for an upstream envelope carrying its name, so a caller catches
the class, never compares the name as a string.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final


class ServiceError(Exception):
    """Base of every error a service turns into an envelope."""

    status_code: ClassVar[int] = 500

    def __init__(self, detail: Any = None, *, retry_after: int | None = None, name: str | None = None) -> None:
        if isinstance(detail, dict) and isinstance(detail.get("message"), str):
            text = detail["message"]  # structured details carry a sentence for people beside data for clients
        else:
            text = detail if isinstance(detail, str) else repr(detail)
        super().__init__(text)
        self.detail = detail
        self.retry_after = retry_after
        self.name = name or type(self).__name__


class BadRequest(ServiceError):
    status_code = 400


class InvalidInput(ServiceError):
    status_code = 422


class NotFound(ServiceError):
    status_code = 404


class PayloadTooLarge(ServiceError):
    status_code = 413


class UnsupportedMediaType(ServiceError):
    status_code = 415


class Unauthorized(ServiceError):
    status_code = 401


class Forbidden(ServiceError):
    status_code = 403


class Conflict(ServiceError):
    status_code = 409


class Overloaded(ServiceError):
    status_code = 503


class ComputeTimeout(Overloaded):
    """The service's own work did not finish within its request timeout: it is busy (503 + Retry-After)."""


class NotReady(ServiceError):
    status_code = 503


class UpstreamError(ServiceError):
    status_code = 502


class UpstreamUnavailable(UpstreamError):
    status_code = 503


class StoreUnavailable(UpstreamUnavailable):
    """A store the service keeps state in (sessions, ratings, Spotify tokens) failed or timed out (503, retry)."""


class StoreRefused(UpstreamError):
    """The store answered and will never take this request (DynamoDB's ValidationException: an item over 400 KB ...):
    unlike StoreUnavailable, waiting and retrying cannot help, so nothing may queue behind it (502)."""


class UpstreamTimeout(UpstreamError):
    status_code = 504


class DeadlinePassed(ServiceError):
    """The caller's deadline (X-Request-Deadline) left no time to do the work: nothing was done. A 4xx to the caller:
    its request came too late and no dependency failed. The feedback service raises it; the gateway, still waiting,
    turns it into its own 504 UpstreamTimeout for the person (a 408 would blame their browser, which may resend it)."""

    status_code = 408


# The errors a service answers that a caller reacts to by class (see the module docstring), by envelope name.
CROSS_SERVICE: Final[dict[str, type[ServiceError]]] = {cls.__name__: cls for cls in (DeadlinePassed,)}
