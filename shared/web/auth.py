"""The one bearer-token check of the admin routes (inference's model reload, feedback's export): `Authorization:
Bearer <token>` against the service's secret, the route off while the secret is unset."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header
from pydantic import SecretStr

from shared.errors import Unauthorized
from shared.secret_policy import bearer_matches, secret_value

AuthorizationHeader = Annotated[str | None, Header(description="Bearer <the service's admin token>")]


def require_bearer(authorization: str | None, secret: SecretStr | None, *, variable: str) -> None:
    """Return when the header carries the secret; Unauthorized (401) otherwise, or when `variable` is not set."""
    value = secret_value(secret)
    if value is None:
        raise Unauthorized(f"admin routes are disabled: {variable} is not set")
    if not bearer_matches(authorization, value):
        raise Unauthorized("a valid 'Authorization: Bearer <admin token>' header is required")
