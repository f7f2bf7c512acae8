"""The contract check: what the fake recorded, held against Spotify's published definition (tests/fakes/
spotify_definition.py). Shared by the contract test and the test that shows it catching a wrong request."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

from tests.fakes.spotify_definition import SpotifyDefinition
from tests.fakes.spotify_state import RecordedRequest

ACCOUNTS_FORM = "application/x-www-form-urlencoded"


def api_violations(definition: SpotifyDefinition, recorded: Iterable[RecordedRequest]) -> list[str]:
    """Every way the recorded Web API requests (under /v1/) and the fake's answers break the definition."""
    problems: list[str] = []
    for request in recorded:
        if not request.path.startswith("/v1/"):
            continue
        said = f"{request.method} {request.path}"
        operation = definition.operation(request.method, request.path)
        if operation is None:
            problems.append(f"{said}: no such operation in the definition")
            continue
        if operation.deprecated:
            problems.append(f"{said}: {operation.operation_id} is deprecated")
        exchange = request.as_exchange()
        problems += [f"{said}: request: {error}" for error in definition.request_errors(exchange)]
        problems += [f"{said}: answer {request.status}: {error}" for error in definition.response_errors(exchange)]
    return problems


def accounts_violations(definition: SpotifyDefinition, recorded: Iterable[RecordedRequest]) -> list[str]:
    """The accounts host by the definition's authorization-code flow: /authorize and /api/token at its URLs, PKCE
    (S256), only scopes Spotify knows, and token requests as forms with a known grant."""
    authorize_path = urlsplit(definition.oauth["authorizationUrl"]).path
    token_path = urlsplit(definition.oauth["tokenUrl"]).path
    problems: list[str] = []
    for request in recorded:
        if request.path == authorize_path:
            query = {k: v[0] for k, v in parse_qs(request.query).items()}
            if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
                problems.append(f"GET {authorize_path}: not the authorization-code flow with PKCE S256: {query}")
            unknown = set(query.get("scope", "").split()) - definition.scopes
            if unknown:
                problems.append(f"GET {authorize_path}: scopes the definition does not know: {sorted(unknown)}")
        elif request.path == token_path:
            form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
            if request.method != "POST" or not request.content_type.startswith(ACCOUNTS_FORM):
                problems.append(f"{request.method} {token_path}: not a form POST ({request.content_type})")
            if form.get("grant_type") not in {"authorization_code", "refresh_token"}:
                problems.append(f"POST {token_path}: unexpected grant {form.get('grant_type')!r}")
    return problems


def requested_scopes(recorded: Iterable[RecordedRequest], authorize_path: str = "/authorize") -> set[str]:
    """The scopes the product asked for at sign-in (from the recorded /authorize requests)."""
    scopes: set[str] = set()
    for request in recorded:
        if request.path == authorize_path:
            scopes |= set(parse_qs(request.query).get("scope", [""])[0].split())
    return scopes
