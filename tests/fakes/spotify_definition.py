"""Spotify's published OpenAPI definition of the Web API, as the fake and the contract tests read it.

The definition (`tests/contract/spotify-web-api-openapi.yml`, version 2026.5.31, from sonallux/spotify-web-api, MIT:
see tests/contract/README.md) says, per operation, whether it is deprecated, which OAuth scopes it needs
(`security`), the schemas of its parameters and JSON body, and its answers. The fake refuses what it refuses
(spotify.py's middleware) and the contract test (tests/contract/) checks every recorded request and answer against
it with openapi-core, a maintained validator.

A `security` requirement lists scopes that are all needed (OpenAPI's rule); that is how both sides read it.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.exceptions import (
    MissingParameterError,
    MissingRequestBodyError,
    ParameterValidationError,
    RequestBodyValidationError,
)
from openapi_schema_validator import OAS30Validator

from shared.paths import REPO_ROOT

DEFINITION_PATH = REPO_ROOT / "tests" / "contract" / "spotify-web-api-openapi.yml"
API_HOST = "https://api.spotify.com"  # the definition's server is https://api.spotify.com/v1
API_PREFIX = "/v1"
METHODS = ("get", "post", "put", "delete", "patch")


@dataclass(frozen=True)
class Operation:
    """One operation of the definition."""

    method: str  # upper case
    template: str  # "/playlists/{playlist_id}/items" (without /v1)
    operation_id: str
    deprecated: bool
    scopes: frozenset[str]

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


@dataclass(frozen=True)
class Exchange:
    """One request the fake received and the answer it gave, as the definition is checked against."""

    method: str
    path: str  # with /v1
    query: str
    content_type: str
    body: bytes
    status: int
    response_type: str
    response_body: bytes


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^{regex}$")


class SpotifyDefinition:
    """The definition loaded once: operations by method and path, and openapi-core's validators over it."""

    def __init__(self, path: Path = DEFINITION_PATH) -> None:
        self.path = path
        self.document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.operations: list[Operation] = []
        for template, item in self.document["paths"].items():
            for method in METHODS:
                op = item.get(method)
                if op is None:
                    continue
                scopes = frozenset(s for req in op.get("security", []) for s in req.get("oauth_2_0", []))
                self.operations.append(
                    Operation(method.upper(), template, op["operationId"], bool(op.get("deprecated")), scopes)
                )
        # Literal paths before templated ones: /me/playlists is not /users/{user_id}/playlists' cousin, but
        # /playlists/{id}/items must not be read as /playlists/{id} + something.
        self._patterns = sorted(
            ((_template_pattern(op.template), op) for op in self.operations), key=lambda p: p[1].template.count("{")
        )

    @cached_property
    def oauth(self) -> dict[str, Any]:
        """The authorization-code flow: authorizationUrl, tokenUrl, scopes."""
        flows: dict[str, Any] = self.document["components"]["securitySchemes"]["oauth_2_0"]["flows"]
        return dict(flows["authorizationCode"])

    @property
    def scopes(self) -> frozenset[str]:
        """Every scope Spotify knows."""
        return frozenset(self.oauth["scopes"])

    @cached_property
    def _validator(self) -> OpenAPI:
        # The cover upload is base64 text sent as image/jpeg: read it as the string the schema says it is.
        config = Config(extra_media_type_deserializers={"image/jpeg": lambda raw: raw.decode("ascii", "replace")})
        return OpenAPI.from_dict(self.document, config=config)

    @cached_property
    def _error_envelope(self) -> OAS30Validator:
        schema = self.document["components"]["responses"]["BadRequest"]["content"]["application/json"]["schema"]
        resolver_doc = {**schema, "components": self.document["components"]}
        return OAS30Validator(resolver_doc)

    def operation(self, method: str, path: str) -> Operation | None:
        """The operation a request is for (path with or without the /v1 prefix), or None when there is none."""
        bare = path[len(API_PREFIX) :] if path.startswith(API_PREFIX + "/") else path
        for pattern, op in self._patterns:
            if op.method == method.upper() and pattern.match(bare):
                return op
        return None

    def _mock_request(self, exchange: Exchange) -> MockRequest:
        return MockRequest(
            API_HOST,
            exchange.method,
            exchange.path,
            args=dict(parse_qsl(exchange.query, keep_blank_values=True)),
            headers={"Content-Type": exchange.content_type} if exchange.content_type else {},
            data=exchange.body,
            content_type=exchange.content_type.split(";")[0].strip().lower(),
        )

    def request_errors(self, exchange: Exchange) -> list[str]:
        """What is wrong with a request by the definition (parameters, body), as sentences; [] when it conforms."""
        return [f"{head} ({detail})" if detail else head for head, detail in self.request_problems(exchange)]

    def request_problems(self, exchange: Exchange) -> list[tuple[str, str]]:
        """(Spotify's wording, what the schema said) for each problem of a request; [] when it conforms."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openapi-core does not check oauth2 scopes; we do (Operation.scopes)
            errors = list(self._validator.iter_request_errors(self._mock_request(exchange)))
        return [_describe(error) for error in errors if "Security" not in type(error).__name__]

    def response_errors(self, exchange: Exchange) -> list[str]:
        """What is wrong with an answer by the definition; an error status the operation does not list is checked
        against Spotify's error envelope (the definition lists 400 on a few operations only, Spotify sends it on
        any)."""
        op = self.operation(exchange.method, exchange.path)
        listed = op is not None and str(exchange.status) in self._responses(op)
        if not listed and exchange.status >= 400:
            return self._envelope_errors(exchange)
        response = MockResponse(
            exchange.response_body,
            status_code=exchange.status,
            content_type=exchange.response_type.split(";")[0].strip().lower(),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            errors = list(self._validator.iter_response_errors(self._mock_request(exchange), response))
        return [f"{head} ({detail})" if detail else head for head, detail in map(_describe, errors)]

    def _responses(self, op: Operation) -> dict[str, Any]:
        responses: dict[str, Any] = self.document["paths"][op.template][op.method.lower()]["responses"]
        return responses

    def _envelope_errors(self, exchange: Exchange) -> list[str]:
        try:
            body = json.loads(exchange.response_body or b"null")
        except ValueError:
            return [f"{exchange.status} answer is not JSON"]
        return [f"error envelope: {error.message}" for error in self._error_envelope.iter_errors(body)]


def _describe(error: Exception) -> tuple[str, str]:
    """A sentence in Spotify's wording ("Invalid limit"), and what the schema said."""
    name = getattr(error, "name", "")
    if isinstance(error, MissingParameterError):
        head = f"Missing required parameter: {name}"
    elif isinstance(error, ParameterValidationError):
        head = f"Invalid {name}"
    elif isinstance(error, MissingRequestBodyError):
        head = "Missing request body"
    elif isinstance(error, RequestBodyValidationError):
        head = "Invalid request body"
    else:
        head = str(error) or type(error).__name__
    cause = error.__cause__
    details = getattr(cause, "schema_errors", None) or ([cause] if cause is not None else [])
    return head, "; ".join(_schema_error(d) for d in details)


def _schema_error(error: object) -> str:
    """Where in the value a schema error is and which rule it broke (the value itself can be the whole body)."""
    path = "/".join(str(part) for part in getattr(error, "absolute_path", ()))
    message = str(getattr(error, "message", error))
    if len(message) > 160:
        message = f"breaks {getattr(error, 'validator', '?')}: {getattr(error, 'validator_value', '')!r}"[:160]
        for sub in getattr(error, "context", None) or ():
            message += f"; {_schema_error(sub)}"
            break
    return f"at /{path}: {message}"


@lru_cache(maxsize=1)
def load_definition() -> SpotifyDefinition:
    """The committed definition, parsed once per process (about a second)."""
    return SpotifyDefinition()
